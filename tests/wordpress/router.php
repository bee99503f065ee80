<?php
/**
 * Router for `php -S` serving Debian's split WordPress layout:
 *   /wp-content/...  -> WPMIGRATE_WP_CONTENT_DIR (default /var/lib/wordpress/wp-content)
 *   everything else  -> WPMIGRATE_WP_ROOT (default /usr/share/wordpress), PHP scripts run,
 *                       unknown paths go to the front controller index.php (pretty permalinks).
 * WPMIGRATE_WP_CONFIG is handed to Debian's wp-config.php as $_SERVER['WORDPRESS_CONFIG'],
 * so /etc/wordpress/config-<WPMIGRATE_WP_CONFIG>.php is used whatever the Host header says.
 *
 * Runs at global scope on purpose: WordPress must be required from the top level.
 */

$wpmigrate_router_root    = rtrim( getenv( 'WPMIGRATE_WP_ROOT' ) ?: '/usr/share/wordpress', '/' );
$wpmigrate_router_content = rtrim( getenv( 'WPMIGRATE_WP_CONTENT_DIR' ) ?: '/var/lib/wordpress/wp-content', '/' );
if ( getenv( 'WPMIGRATE_WP_CONFIG' ) ) {
	$_SERVER['WORDPRESS_CONFIG'] = getenv( 'WPMIGRATE_WP_CONFIG' );
}

function wpmigrate_router_mime( $file ) {
	static $types = array(
		'css'   => 'text/css; charset=UTF-8',
		'js'    => 'application/javascript; charset=UTF-8',
		'json'  => 'application/json',
		'map'   => 'application/json',
		'png'   => 'image/png',
		'jpg'   => 'image/jpeg',
		'jpeg'  => 'image/jpeg',
		'gif'   => 'image/gif',
		'webp'  => 'image/webp',
		'avif'  => 'image/avif',
		'svg'   => 'image/svg+xml',
		'ico'   => 'image/x-icon',
		'pdf'   => 'application/pdf',
		'txt'   => 'text/plain; charset=UTF-8',
		'xml'   => 'application/xml',
		'html'  => 'text/html; charset=UTF-8',
		'woff'  => 'font/woff',
		'woff2' => 'font/woff2',
		'ttf'   => 'font/ttf',
		'otf'   => 'font/otf',
		'eot'   => 'application/vnd.ms-fontobject',
		'mp3'   => 'audio/mpeg',
		'mp4'   => 'video/mp4',
		'zip'   => 'application/zip',
		'csv'   => 'text/csv; charset=UTF-8',
		'docx'  => 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	);
	$ext = strtolower( pathinfo( $file, PATHINFO_EXTENSION ) );
	return isset( $types[ $ext ] ) ? $types[ $ext ] : 'application/octet-stream';
}

function wpmigrate_router_send_file( $file ) {
	$mtime = filemtime( $file );
	$size  = filesize( $file );
	$etag  = '"' . dechex( $mtime ) . '-' . dechex( $size ) . '"';
	header( 'Content-Type: ' . wpmigrate_router_mime( $file ) );
	header( 'Last-Modified: ' . gmdate( 'D, d M Y H:i:s', $mtime ) . ' GMT' );
	header( 'ETag: ' . $etag );
	header( 'Accept-Ranges: none' );
	$inm = isset( $_SERVER['HTTP_IF_NONE_MATCH'] ) ? trim( $_SERVER['HTTP_IF_NONE_MATCH'] ) : '';
	$ims = isset( $_SERVER['HTTP_IF_MODIFIED_SINCE'] ) ? strtotime( $_SERVER['HTTP_IF_MODIFIED_SINCE'] ) : false;
	if ( ( '' !== $inm && $inm === $etag ) || ( '' === $inm && false !== $ims && $ims >= $mtime ) ) {
		http_response_code( 304 );
		return;
	}
	header( 'Content-Length: ' . $size );
	if ( 'HEAD' !== $_SERVER['REQUEST_METHOD'] ) {
		readfile( $file );
	}
}

$wpmigrate_router_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
if ( '' === $wpmigrate_router_path ) {
	$wpmigrate_router_path = '/';
}
if ( false !== strpos( $wpmigrate_router_path, "\0" ) || preg_match( '#(^|/)\.\.(/|$)#', $wpmigrate_router_path ) ) {
	http_response_code( 400 );
	echo 'Bad request';
	return true;
}

$wpmigrate_router_script = null;
if ( 0 === strpos( $wpmigrate_router_path, '/wp-content/' ) ) {
	$wpmigrate_router_file = $wpmigrate_router_content . substr( $wpmigrate_router_path, strlen( '/wp-content' ) );
	if ( is_file( $wpmigrate_router_file ) ) {
		if ( preg_match( '/\.(php|phtml|phar)$/i', $wpmigrate_router_file ) ) {
			http_response_code( 403 );
			echo 'Forbidden';
			return true;
		}
		wpmigrate_router_send_file( $wpmigrate_router_file );
		return true;
	}
	// Missing file: WordPress answers with its 404 page, like Apache + WordPress would.
} else {
	$wpmigrate_router_file = $wpmigrate_router_root . $wpmigrate_router_path;
	if ( is_dir( $wpmigrate_router_file ) ) {
		if ( '/' !== substr( $wpmigrate_router_path, -1 ) ) {
			$wpmigrate_router_query = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_QUERY );
			header( 'Location: ' . $wpmigrate_router_path . '/' . ( $wpmigrate_router_query ? '?' . $wpmigrate_router_query : '' ), true, 301 );
			return true;
		}
		$wpmigrate_router_file = rtrim( $wpmigrate_router_file, '/' ) . '/index.php';
	}
	if ( is_file( $wpmigrate_router_file ) ) {
		if ( preg_match( '/\.php$/i', $wpmigrate_router_file ) ) {
			$wpmigrate_router_script = $wpmigrate_router_file;
		} elseif ( '/' !== $wpmigrate_router_path && '.htaccess' !== basename( $wpmigrate_router_file ) ) {
			wpmigrate_router_send_file( $wpmigrate_router_file );
			return true;
		}
	}
}

if ( null === $wpmigrate_router_script ) {
	$wpmigrate_router_script = $wpmigrate_router_root . '/index.php';
}
$wpmigrate_router_name = substr( $wpmigrate_router_script, strlen( $wpmigrate_router_root ) );

$_SERVER['SCRIPT_FILENAME'] = $wpmigrate_router_script;
$_SERVER['SCRIPT_NAME']     = $wpmigrate_router_name;
$_SERVER['PHP_SELF']        = $wpmigrate_router_name;
$_SERVER['DOCUMENT_ROOT']   = $wpmigrate_router_root;
unset( $_SERVER['PATH_INFO'], $_SERVER['ORIG_PATH_INFO'], $_SERVER['PATH_TRANSLATED'] );
chdir( dirname( $wpmigrate_router_script ) );

unset( $wpmigrate_router_path, $wpmigrate_router_file, $wpmigrate_router_name, $wpmigrate_router_content, $wpmigrate_router_query );
$wpmigrate_router_root = null;

require $wpmigrate_router_script;
return true;
