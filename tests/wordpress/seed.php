<?php
/**
 * Deterministic content for the wpmigrate test site ("Research Library Test Site").
 *
 * Loaded by tests/wordpress/harness.py into a CLI PHP process that already ran
 * wp-load.php with the mu-plugin active. All names, organisations and texts are
 * invented for these tests; all e-mail and web addresses use example.org/.net.
 *
 * Entry points (each prints nothing; the harness json-encodes the return value):
 *   wpmigrate_install_settings()  options right after wp_install()
 *   wpmigrate_seed_site()         the base site, returns the manifest
 *   wpmigrate_apply_edits()       the sync scenario, returns affected ids
 *   wpmigrate_seed_bulk( $n )     n more publications, returns their ids
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/post.php';
require_once ABSPATH . 'wp-admin/includes/nav-menu.php';

class WPMigrate_Seed_Error extends RuntimeException {
}

/** Options set once after wp_install(), before the mu-plugin is active. */
function wpmigrate_install_settings() {
	// Drop core's sample content: the archive must only hold our invented content.
	foreach ( array( 1, 2, 3 ) as $id ) {
		if ( get_post( $id ) ) {
			wp_delete_post( $id, true );
		}
	}
	$options = array(
		'blogdescription'        => 'Reports, briefings and field data on water, supply chains, migration and climate adaptation',
		'timezone_string'        => 'Europe/London',
		'gmt_offset'             => '',
		'date_format'            => 'j F Y',
		'time_format'            => 'H:i',
		'start_of_week'          => 1,
		'permalink_structure'    => '/%year%/%monthnum%/%postname%/',
		'category_base'          => '',
		'tag_base'               => '',
		'posts_per_page'         => 10,
		'posts_per_rss'          => 10,
		'rss_use_excerpt'        => 0,
		'blog_public'            => 1,
		'default_comment_status' => 'open',
		'comment_moderation'     => 0,
		'comment_previously_approved' => 1,
		'thread_comments'        => 1,
		'thread_comments_depth'  => 5,
		'show_avatars'           => 1,
		'uploads_use_yearmonth_folders' => 1,
		'wp_page_for_privacy_policy' => 0,
		'admin_email'            => 'library-admin@example.org',
		'new_admin_email'        => 'library-admin@example.org',
	);
	foreach ( $options as $name => $value ) {
		update_option( $name, $value );
	}
	wp_update_term( 1, 'category', array( 'name' => 'Uncategorised', 'slug' => 'uncategorised' ) );
	return array( 'ok' => true );
}

/* ------------------------------------------------------------------------- */
/* helpers                                                                    */
/* ------------------------------------------------------------------------- */

function wpmigrate_seed_check( $result, $what ) {
	if ( is_wp_error( $result ) ) {
		throw new WPMigrate_Seed_Error( $what . ': ' . $result->get_error_code() . ' ' . $result->get_error_message() );
	}
	if ( ! $result ) {
		throw new WPMigrate_Seed_Error( $what . ': failed' );
	}
	return $result;
}

function wpmigrate_seed_prepare() {
	wp_set_current_user( 1 );
	kses_remove_filters();
	remove_all_actions( 'do_pings' );
	add_filter( 'pre_http_request', 'wpmigrate_seed_no_http' );
}

function wpmigrate_seed_no_http() {
	return new WP_Error( 'http_disabled', 'No HTTP while seeding.' );
}

/** wp_insert_post() with slashing and error checks. */
function wpmigrate_seed_post( array $args ) {
	$defaults = array(
		'post_status'    => 'publish',
		'post_author'    => 1,
		'comment_status' => 'open',
		'ping_status'    => 'closed',
	);
	$args     = array_merge( $defaults, $args );
	$id       = wp_insert_post( wp_slash( $args ), true );
	return wpmigrate_seed_check( $id, 'insert ' . ( isset( $args['post_name'] ) ? $args['post_name'] : '?' ) );
}

function wpmigrate_seed_png( $path, $width, $height, array $rgb, $label ) {
	$img = imagecreatetruecolor( $width, $height );
	for ( $y = 0; $y < $height; $y += 4 ) {
		$shade = (int) ( 60 * $y / $height );
		$color = imagecolorallocate(
			$img,
			max( 0, min( 255, $rgb[0] - $shade ) ),
			max( 0, min( 255, $rgb[1] - $shade ) ),
			max( 0, min( 255, $rgb[2] - $shade ) )
		);
		imagefilledrectangle( $img, 0, $y, $width - 1, $y + 3, $color );
	}
	$white = imagecolorallocate( $img, 255, 255, 255 );
	$dark  = imagecolorallocate( $img, 20, 30, 40 );
	imagefilledrectangle( $img, 20, $height - 70, $width - 20, $height - 20, $dark );
	imagestring( $img, 5, 36, $height - 52, $label, $white );
	for ( $i = 0; $i < 6; $i++ ) {
		imagefilledellipse( $img, 80 + $i * (int) ( ( $width - 160 ) / 5 ), (int) ( $height / 3 ), 40, 40, $white );
	}
	imagepng( $img, $path, 9 );
	imagedestroy( $img );
}

function wpmigrate_seed_pdf_escape( $text ) {
	return strtr( $text, array( '\\' => '\\\\', '(' => '\\(', ')' => '\\)' ) );
}

/** A small but valid one-page PDF (ASCII text, Helvetica). */
function wpmigrate_seed_pdf( $path, $title, array $lines ) {
	$stream = "BT /F1 20 Tf 72 740 Td (" . wpmigrate_seed_pdf_escape( $title ) . ") Tj ET\n";
	$y      = 700;
	foreach ( $lines as $line ) {
		$stream .= 'BT /F1 11 Tf 72 ' . $y . ' Td (' . wpmigrate_seed_pdf_escape( $line ) . ") Tj ET\n";
		$y      -= 18;
	}
	$objects = array(
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
		'<< /Length ' . strlen( $stream ) . " >>\nstream\n" . $stream . 'endstream',
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
		'<< /Title (' . wpmigrate_seed_pdf_escape( $title ) . ') /Producer (wpmigrate test seed) /CreationDate (D:20230101000000Z) >>',
	);
	$pdf     = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
	$offsets = array();
	foreach ( $objects as $i => $body ) {
		$offsets[] = strlen( $pdf );
		$pdf      .= ( $i + 1 ) . " 0 obj\n" . $body . "\nendobj\n";
	}
	$xref = strlen( $pdf );
	$pdf .= 'xref' . "\n" . '0 ' . ( count( $objects ) + 1 ) . "\n" . "0000000000 65535 f \n";
	foreach ( $offsets as $offset ) {
		$pdf .= sprintf( "%010d 00000 n \n", $offset );
	}
	$pdf .= 'trailer' . "\n" . '<< /Size ' . ( count( $objects ) + 1 ) . ' /Root 1 0 R /Info 6 0 R >>' . "\n" . 'startxref' . "\n" . $xref . "\n%%EOF\n";
	file_put_contents( $path, $pdf );
}

/**
 * Write a file into uploads/<yyyy/mm> and register it as an attachment with metadata.
 * $spec: file, month ('2023/03'), date, title, caption, description, alt, parent, author,
 *        and either png => [w, h, [r,g,b], label] or pdf => [title, lines].
 */
function wpmigrate_seed_attachment( array $spec ) {
	$upload = wp_upload_dir( $spec['month'] );
	if ( ! empty( $upload['error'] ) ) {
		throw new WPMigrate_Seed_Error( 'uploads: ' . $upload['error'] );
	}
	$path = $upload['path'] . '/' . $spec['file'];
	if ( isset( $spec['png'] ) ) {
		list( $w, $h, $rgb, $label ) = $spec['png'];
		wpmigrate_seed_png( $path, $w, $h, $rgb, $label );
		$mime = 'image/png';
	} else {
		list( $title, $lines ) = $spec['pdf'];
		wpmigrate_seed_pdf( $path, $title, $lines );
		$mime = 'application/pdf';
	}
	$id = wp_insert_attachment(
		wp_slash(
			array(
				'post_title'     => $spec['title'],
				'post_name'      => $spec['slug'],
				'post_excerpt'   => isset( $spec['caption'] ) ? $spec['caption'] : '',
				'post_content'   => isset( $spec['description'] ) ? $spec['description'] : '',
				'post_mime_type' => $mime,
				'post_status'    => 'inherit',
				'post_author'    => isset( $spec['author'] ) ? $spec['author'] : 1,
				'post_date'      => $spec['date'],
				'guid'           => $upload['url'] . '/' . $spec['file'],
				'comment_status' => 'closed',
				'ping_status'    => 'closed',
			)
		),
		$path,
		isset( $spec['parent'] ) ? $spec['parent'] : 0,
		true
	);
	wpmigrate_seed_check( $id, 'attachment ' . $spec['file'] );
	wp_update_attachment_metadata( $id, wp_generate_attachment_metadata( $id, $path ) );
	if ( isset( $spec['alt'] ) ) {
		update_post_meta( $id, '_wp_attachment_image_alt', $spec['alt'] );
	}
	return $id;
}

function wpmigrate_seed_term( $name, $taxonomy, $slug, $description = '', $parent = 0 ) {
	$result = wp_insert_term(
		$name,
		$taxonomy,
		array(
			'slug'        => $slug,
			'description' => $description,
			'parent'      => $parent,
		)
	);
	$result = wpmigrate_seed_check( $result, "term $taxonomy/$slug" );
	return (int) $result['term_id'];
}

function wpmigrate_seed_comment( array $args ) {
	$defaults = array(
		'comment_author_IP' => '192.0.2.10',
		'comment_agent'     => 'Mozilla/5.0 (X11; Linux x86_64) wpmigrate-seed',
		'comment_type'      => 'comment',
		'comment_parent'    => 0,
		'user_id'           => 0,
		'comment_approved'  => 1,
	);
	$args     = array_merge( $defaults, $args );
	if ( empty( $args['comment_date_gmt'] ) ) {
		$args['comment_date_gmt'] = get_gmt_from_date( $args['comment_date'] );
	}
	$id = wp_insert_comment( wp_slash( $args ) );
	return wpmigrate_seed_check( $id, 'comment' );
}

/** Block markup helpers (what the block editor would save). */
function wpmigrate_p( $html ) {
	return "<!-- wp:paragraph -->\n<p>" . $html . "</p>\n<!-- /wp:paragraph -->\n\n";
}
function wpmigrate_h( $text, $level = 2 ) {
	$attrs = 2 === $level ? '' : ' {"level":' . $level . '}';
	return "<!-- wp:heading$attrs -->\n<h$level>" . $text . "</h$level>\n<!-- /wp:heading -->\n\n";
}
function wpmigrate_list( array $items ) {
	return "<!-- wp:list -->\n<ul><li>" . implode( '</li><li>', $items ) . "</li></ul>\n<!-- /wp:list -->\n\n";
}
function wpmigrate_image_block( $id, $alt, $caption ) {
	$url = wp_get_attachment_image_url( $id, 'large' );
	return '<!-- wp:image {"id":' . $id . ',"sizeSlug":"large","linkDestination":"none"} -->' . "\n"
		. '<figure class="wp-block-image size-large"><img src="' . esc_url( $url ) . '" alt="' . esc_attr( $alt ) . '" class="wp-image-' . $id . '"/><figcaption class="wp-element-caption">' . $caption . "</figcaption></figure>\n<!-- /wp:image -->\n\n";
}

/** Rows of wp_posts we inserted, for the manifest. */
function wpmigrate_seed_item( $id ) {
	$post = get_post( $id );
	$item = array(
		'id'       => (int) $post->ID,
		'type'     => $post->post_type,
		'status'   => $post->post_status,
		'slug'     => $post->post_name,
		'title'    => $post->post_title,
		'date'     => $post->post_date,
		'date_gmt' => $post->post_date_gmt,
		'author'   => (int) $post->post_author,
		'parent'   => (int) $post->post_parent,
	);
	if ( '' !== $post->post_password ) {
		$item['password'] = $post->post_password;
	}
	if ( 'attachment' === $post->post_type ) {
		$item['mime_type'] = $post->post_mime_type;
		$item['file']      = get_post_meta( $post->ID, '_wp_attached_file', true );
	}
	return $item;
}

/* ------------------------------------------------------------------------- */
/* the site                                                                   */
/* ------------------------------------------------------------------------- */

function wpmigrate_seed_site() {
	global $wpdb;
	wpmigrate_seed_prepare();
	wp_defer_term_counting( true );

	$ids   = array();
	$track = function ( $type, $key, $id ) use ( &$ids ) {
		$ids[ $type ][ $key ] = (int) $id;
		return (int) $id;
	};

	/* users ---------------------------------------------------------------- */
	wp_update_user(
		array(
			'ID'           => 1,
			'display_name' => 'Library Editorial Desk',
			'first_name'   => 'Editorial',
			'last_name'    => 'Desk',
			'nickname'     => 'editorial-desk',
			'user_url'     => 'https://research-library.example.org',
			'description'  => 'Publishes announcements and maintains the library pages.',
			'user_email'   => 'library-admin@example.org',
		)
	);
	$wpdb->update( $wpdb->users, array( 'user_registered' => '2020-01-06 09:00:00' ), array( 'ID' => 1 ) );
	$users = array(
		'admin' => 1,
	);
	$people = array(
		array( 'zaberg', 'Zoë', 'Åberg', 'zoe-aberg', 'author', 'Hydrologist working on water access in fast-growing towns.', '2020-02-03 10:15:00' ),
		array( 'kmensah', 'Kwame', 'Mensah', 'kwame-mensah', 'author', 'Economist covering agricultural value chains and trade.', '2020-03-09 11:30:00' ),
		array( 'pramanathan', 'Priya', 'Ramanathan', 'priya-ramanathan', 'author', 'Researcher on mobility, displacement and climate risk.', '2020-04-14 08:45:00' ),
		array( 'iduarte', 'Inês', 'Duarte', 'ines-duarte', 'contributor', 'Photographer and occasional contributor.', '2021-06-01 16:20:00' ),
	);
	foreach ( $people as $p ) {
		list( $login, $first, $last, $nicename, $role, $bio, $registered ) = $p;
		$uid = wp_insert_user(
			wp_slash(
				array(
					'user_login'      => $login,
					'user_pass'       => 'wpmigrate-' . $login,
					'user_email'      => $login . '@example.org',
					'user_nicename'   => $nicename,
					'first_name'      => $first,
					'last_name'       => $last,
					'nickname'        => $login,
					'display_name'    => $first . ' ' . $last,
					'description'     => $bio,
					'role'            => $role,
					'user_registered' => $registered,
				)
			)
		);
		$users[ $nicename ] = wpmigrate_seed_check( $uid, "user $login" );
	}
	$zoe   = $users['zoe-aberg'];
	$kwame = $users['kwame-mensah'];
	$priya = $users['priya-ramanathan'];
	$ines  = $users['ines-duarte'];

	/* terms ---------------------------------------------------------------- */
	$terms                            = array( 'category' => array( 'uncategorised' => 1 ) );
	$terms['resource_type']['report'] = wpmigrate_seed_term( 'Report', 'resource_type', 'report', 'Full-length research reports.' );
	$terms['resource_type']['annual-report'] = wpmigrate_seed_term( 'Annual report', 'resource_type', 'annual-report', 'Yearly summaries of the programme.', $terms['resource_type']['report'] );
	$terms['resource_type']['briefing']      = wpmigrate_seed_term( 'Briefing', 'resource_type', 'briefing', 'Short notes for decision makers.' );
	$terms['resource_type']['policy-paper']  = wpmigrate_seed_term( 'Policy paper', 'resource_type', 'policy-paper', 'Recommendations for public policy.' );
	$terms['resource_type']['dataset']       = wpmigrate_seed_term( 'Dataset', 'resource_type', 'dataset', 'Data releases (none published yet).' );
	foreach ( array(
		'east-africa'     => 'East Africa',
		'south-asia'      => 'South Asia',
		'andean-region'   => 'Andean region',
		'sahel'           => 'Sahel',
		'pacific-islands' => 'Pacific Islands',
		'europe'          => 'Europe',
	) as $slug => $name ) {
		$terms['region'][ $slug ] = wpmigrate_seed_term( $name, 'region', $slug );
	}
	foreach ( array(
		'news'    => array( 'News', 'Announcements from the library.' ),
		'events'  => array( 'Events', 'Workshops, lectures and roundtables.' ),
		'opinion' => array( 'Opinion', 'Commentary by our researchers.' ),
	) as $slug => $def ) {
		$terms['category'][ $slug ] = wpmigrate_seed_term( $def[0], 'category', $slug, $def[1] );
	}
	foreach ( array(
		'water'         => 'water',
		'climate'       => 'climate',
		'supply-chains' => 'supply chains',
		'migration'     => 'migration',
		'open-data'     => 'open data',
	) as $slug => $name ) {
		$terms['post_tag'][ $slug ] = wpmigrate_seed_term( $name, 'post_tag', $slug );
	}
	$rt = $terms['resource_type'];
	$rg = $terms['region'];

	/* publications (published ones first, media attached afterwards) ------- */
	$pub = function ( $slug, array $args, array $types, array $regions, array $acf = array() ) use ( $track ) {
		$args['post_type'] = 'publication';
		$args['post_name'] = $slug;
		$id                = wpmigrate_seed_post( $args );
		wp_set_object_terms( $id, $types, 'resource_type' );
		wp_set_object_terms( $id, $regions, 'region' );
		if ( $acf ) {
			wpmigrate_test_acf_set( $id, $acf );
		}
		return $track( 'publication', $slug, $id );
	};

	$p_water = $pub(
		'water-access-annual-report-2023',
		array(
			'post_title'  => 'Water Access in Peri-Urban Settlements: 2023 Annual Report',
			'post_author' => $zoe,
			'post_date'   => '2023-03-21 09:30:00',
			// content is filled in below, once the images exist.
			'post_content' => '',
		),
		array( $rt['annual-report'] ),
		array( $rg['east-africa'] ),
		array()
	);
	$p_supply = $pub(
		'supply-chains-small-producers',
		array(
			'post_title'  => 'Supply Chains & Small Producers: Who Captures the Value?',
			'post_author' => $kwame,
			'post_date'   => '2022-11-08 14:00:00',
			'post_content' => '',
		),
		array( $rt['report'] ),
		array( $rg['south-asia'], $rg['east-africa'] )
	);
	$p_migration = $pub(
		'seasonal-migration-remittances',
		array(
			'post_title'   => 'Briefing: Seasonal Migration and Remittances',
			'post_author'  => $priya,
			'post_date'    => '2022-07-14 08:00:00',
			'post_excerpt' => 'Households in three districts rely on money sent home by seasonal workers. This briefing maps when it arrives and what it pays for...Read More',
			'post_content' => wpmigrate_p( 'Across three districts of the western Sahel, one household in two has a member who leaves for seasonal work after the harvest. Our survey followed 420 households through a full year.' )
				. wpmigrate_h( 'When the money arrives' )
				. wpmigrate_p( 'Transfers peak in the lean season, between June and August, exactly when food prices are highest. Mobile money now carries most of them; informal couriers still serve villages without network coverage.' )
				. wpmigrate_h( 'What it pays for' )
				. wpmigrate_list( array( 'food purchases during the lean season', 'school fees in September', 'repairs after the rains', 'repaying seed loans' ) )
				. wpmigrate_p( 'Policy makers should treat remittance corridors as part of social protection rather than as a private matter.' ),
		),
		array( $rt['briefing'] ),
		array( $rg['sahel'] ),
		array(
			'publication_date' => '20220714',
			'featured_report'  => false,
			'authors_list'     => 'Priya Ramanathan; Amadou Keïta',
		)
	);
	$p_finance = $pub(
		'adaptation-finance-last-mile',
		array(
			'post_title'   => 'Adaptation Finance and the "Last Mile"',
			'post_author'  => $priya,
			'post_date'    => '2023-10-02 10:00:00',
			'post_content' => wpmigrate_p( 'Pledges for climate adaptation have grown every year since 2015, yet island municipalities report that little of it reaches local projects. This paper follows the money from pledge to pipe.' )
				. "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->\n\n"
				. wpmigrate_h( 'Where the money stops' )
				. wpmigrate_p( 'Most funds are committed to national programmes with reporting requirements that small councils cannot meet. We reviewed 57 project files from four island states.' )
				. wpmigrate_h( 'Recommendations' )
				. wpmigrate_list( array( 'pooled reporting for councils under 20,000 residents', 'direct access windows for community groups', 'multi-year maintenance budgets' ) ),
		),
		array( $rt['policy-paper'] ),
		array( $rg['pacific-islands'] ),
		array(
			'publication_date' => '20231002',
			'featured_report'  => true,
			'authors_list'     => 'Priya Ramanathan',
			'partners'         => array(
				array(
					'name' => 'Island Councils Network',
					'url'  => 'https://island-councils.example.org',
				),
			),
		)
	);
	$p_groundwater = $pub(
		'groundwater-community-monitoring',
		array(
			'post_title'   => 'Groundwater Monitoring with Community Data Collectors',
			'post_author'  => $zoe,
			'post_date'    => '2021-09-30 11:45:00',
			'post_content' => "<p>In the valleys around Cusco, Ñuñoa and Juliaca, volunteers measured well levels every fortnight for two years. Their records – more than 9 400 readings – are the backbone of this report.</p>\n\n<p>Señora Quispe, who coordinated the network in Ñuñoa, put it simply: “We knew the wells were dropping; now we can show by how much.”</p>\n\n<h2>Méthode</h2>\n<p>Readings were taken with marked tapes and sent by SMS. We cross-checked 10 % of them against data loggers and found a median difference of 2&nbsp;cm.</p>",
		),
		array( $rt['report'] ),
		array( $rg['andean-region'] ),
		array(
			'publication_date' => '20210930',
			'featured_report'  => false,
			'authors_list'     => 'Zoë Åberg; Rosa Quispe Mamani; Tomás Ibáñez',
			'partners'         => array(
				array(
					'name' => 'Asociación de Usuarios del Agua',
					'url'  => 'https://usuarios-agua.example.org',
				),
				array(
					'name' => 'Highland Hydrology Lab',
					'url'  => 'https://highland-hydrology.example.net',
				),
				array(
					'name' => 'Radio Comunitaria Sur',
					'url'  => '',
				),
			),
		)
	);
	$p_dairy = $pub(
		'cold-chains-smallholder-dairy',
		array(
			'post_title'   => 'Cold Chains for Smallholder Dairy',
			'post_author'  => $kwame,
			'post_date'    => '2022-02-17 09:00:00',
			'post_content' => wpmigrate_p( 'Milk spoils within hours without cooling. Solar chillers at collection points cut losses by a third in the pilot cooperatives we studied.' )
				. wpmigrate_p( 'The briefing compares ownership models – cooperative, private operator, and processor-owned – and their effect on farm-gate prices.' ),
		),
		array( $rt['briefing'] ),
		array( $rg['east-africa'] ),
		array(
			'publication_date' => '20220217',
			'featured_report'  => false,
			'authors_list'     => 'Kwame Mensah',
		)
	);
	$p_floods = $pub(
		'displacement-after-floods',
		array(
			'post_title'   => 'Policy Options for Displacement after Floods',
			'post_author'  => $priya,
			'post_date'    => '2021-06-22 15:30:00',
			'post_content' => wpmigrate_p( 'When rivers flood, most displaced families stay within a few kilometres of home. Assistance designed for camps misses them.' )
				. wpmigrate_h( 'Three options' )
				. wpmigrate_list( array( 'cash for host families', 'temporary land-use permits', 'rapid repair grants for homes' ) ),
		),
		array( $rt['policy-paper'] ),
		array( $rg['south-asia'], $rg['sahel'] ),
		array(
			'publication_date' => '20210701',
			'featured_report'  => false,
			'authors_list'     => 'Priya Ramanathan; Farhana Chowdhury',
		)
	);
	$p_annual22 = $pub(
		'annual-report-2022',
		array(
			'post_title'   => 'Annual Report 2022: Research for Resilient Communities',
			'post_author'  => 1,
			'post_date'    => '2023-01-31 12:00:00',
			'post_content' => wpmigrate_p( 'In 2022 the library published 31 titles, trained 140 community data collectors and opened its datasets to partner universities.' )
				. wpmigrate_p( 'This report summarises the year programme by programme and lists our funders.' ),
		),
		array( $rt['annual-report'] ),
		array( $rg['europe'] ),
		array()
	);
	$p_drought = $pub(
		'drought-early-warning',
		array(
			'post_title'   => 'Drought Early Warning: Lessons from Five Districts',
			'post_author'  => $zoe,
			'post_date'    => '2022-05-05 10:10:00',
			'post_content' => wpmigrate_p( 'Warnings arrived on time in four of five districts, but only two had budgets ready to act on them. Pre-agreed triggers made the difference.' ),
		),
		array( $rt['briefing'] ),
		array( $rg['east-africa'], $rg['sahel'] ),
		array(
			'publication_date' => '20220505',
			'featured_report'  => false,
		)
	);
	$p_garment = $pub(
		'fair-wages-garment-supply-chains',
		array(
			'post_title'   => "Fair Wages in Garment Supply Chains: Buyers' Responsibilities",
			'post_author'  => $kwame,
			'post_date'    => '2021-12-09 13:00:00',
			'post_content' => '<p>Wage gaps in garment factories are set long before payday: purchase prices, lead times and last-minute order changes leave suppliers with little room.</p><p>We traced 18 orders from brand to factory floor.</p>',
		),
		array( $rt['report'] ),
		array( $rg['south-asia'], $rg['europe'] ),
		array(
			'publication_date' => '20211209',
			'featured_report'  => true,
			'authors_list'     => 'Kwame Mensah; Lena Hoffmann',
			'partners'         => array(
				array(
					'name' => 'Garment Workers Forum',
					'url'  => 'https://garment-forum.example.org',
				),
			),
		)
	);
	$p_heat = $pub(
		'urban-heat-informal-workers',
		array(
			'post_title'   => 'Urban Heat and Informal Workers',
			'post_author'  => $priya,
			'post_date'    => '2023-07-19 07:30:00',
			'post_content' => wpmigrate_p( 'Street vendors and waste pickers work through the hottest hours. Shade, water points and flexible market hours are cheap and effective.' ),
		),
		array( $rt['policy-paper'] ),
		array( $rg['south-asia'] ),
		array(
			'publication_date' => '20230719',
			'featured_report'  => false,
			'authors_list'     => 'Priya Ramanathan',
		)
	);
	$p_wetland = $pub(
		'remote-sensing-wetland-restoration',
		array(
			'post_title'   => 'Remote Sensing for Wetland Restoration',
			'post_author'  => $zoe,
			'post_date'    => '2020-10-12 16:00:00',
			'post_content' => wpmigrate_p( 'Free satellite imagery can show whether restored wetlands hold water through the dry season. We tested the method on twelve sites.' ),
		),
		array( $rt['report'] ),
		array( $rg['europe'] ),
		array(
			'publication_date' => '20201012',
			'featured_report'  => false,
			'authors_list'     => 'Zoë Åberg',
		)
	);
	// Not public: a draft and a private publication.
	$p_coast = $pub(
		'coastal-erosion-scoping-note',
		array(
			'post_title'   => 'Draft: Coastal Erosion Scoping Note',
			'post_status'  => 'draft',
			'post_author'  => $zoe,
			'post_date'    => '2023-11-20 10:00:00',
			'post_content' => wpmigrate_p( 'Working notes for a scoping study on coastal erosion; not for circulation.' ),
		),
		array( $rt['briefing'] ),
		array( $rg['pacific-islands'] )
	);
	$p_review = $pub(
		'partner-due-diligence-review',
		array(
			'post_title'   => 'Internal Review: Partner Due Diligence',
			'post_status'  => 'private',
			'post_author'  => 1,
			'post_date'    => '2023-05-10 09:00:00',
			'post_content' => wpmigrate_p( 'Checklist and findings of the 2023 partner review. Internal use only.' ),
		),
		array( $rt['report'] ),
		array( $rg['europe'] )
	);

	/* media ---------------------------------------------------------------- */
	$m_waterpoint = $track(
		'attachment',
		'water-point',
		wpmigrate_seed_attachment(
			array(
				'file'        => 'water-point.png',
				'slug'        => 'water-point',
				'month'       => '2023/03',
				'date'        => '2023-03-20 16:00:00',
				'title'       => 'Water point in a peri-urban settlement',
				'caption'     => 'A shared water point visited during the 2023 survey.',
				'description' => 'Illustration generated for the test site.',
				'alt'         => 'Queue of containers at a shared tap',
				'parent'      => $p_water,
				'author'      => $zoe,
				'png'         => array( 1200, 800, array( 70, 140, 200 ), 'Water point - illustration' ),
			)
		)
	);
	$m_market = $track(
		'attachment',
		'market-stalls',
		wpmigrate_seed_attachment(
			array(
				'file'    => 'market-stalls.png',
				'slug'    => 'market-stalls',
				'month'   => '2022/11',
				'date'    => '2022-11-07 10:00:00',
				'title'   => 'Market stalls',
				'caption' => 'Producers selling directly at a district market.',
				'alt'     => 'Rows of market stalls with vegetables',
				'parent'  => $p_supply,
				'author'  => $kwame,
				'png'     => array( 640, 400, array( 200, 150, 60 ), 'Market stalls - illustration' ),
			)
		)
	);
	$m_pdf_water = $track(
		'attachment',
		'water-access-annual-report-2023-pdf',
		wpmigrate_seed_attachment(
			array(
				'file'   => 'water-access-annual-report-2023.pdf',
				'slug'   => 'water-access-annual-report-2023-pdf',
				'month'  => '2023/03',
				'date'   => '2023-03-21 09:00:00',
				'title'  => 'Water Access 2023 (PDF)',
				'parent' => $p_water,
				'author' => $zoe,
				'pdf'    => array(
					'Water Access in Peri-Urban Settlements 2023',
					array( 'Annual report of the water access programme.', 'Test document generated for wpmigrate.' ),
				),
			)
		)
	);
	$m_pdf_annual = $track(
		'attachment',
		'annual-report-2022-pdf',
		wpmigrate_seed_attachment(
			array(
				'file'   => 'annual-report-2022.pdf',
				'slug'   => 'annual-report-2022-pdf',
				'month'  => '2023/01',
				'date'   => '2023-01-31 11:00:00',
				'title'  => 'Annual Report 2022 (PDF)',
				'parent' => $p_annual22,
				'pdf'    => array( 'Annual Report 2022', array( 'Research for resilient communities.', 'Test document generated for wpmigrate.' ) ),
			)
		)
	);
	$m_pdf_dairy = $track(
		'attachment',
		'cold-chains-briefing-pdf',
		wpmigrate_seed_attachment(
			array(
				'file'   => 'cold-chains-briefing.pdf',
				'slug'   => 'cold-chains-briefing-pdf',
				'month'  => '2022/02',
				'date'   => '2022-02-16 17:00:00',
				'title'  => 'Cold Chains briefing (PDF)',
				'parent' => $p_dairy,
				'author' => $kwame,
				'pdf'    => array( 'Cold Chains for Smallholder Dairy', array( 'Briefing note.', 'Test document generated for wpmigrate.' ) ),
			)
		)
	);
	$m_coast = $track(
		'attachment',
		'coastline-survey',
		wpmigrate_seed_attachment(
			array(
				'file'    => 'coastline-survey.png',
				'slug'    => 'coastline-survey',
				'month'   => '2023/11',
				'date'    => '2023-11-20 09:00:00',
				'title'   => 'Coastline survey sketch',
				'caption' => 'Attached to a draft: hidden from anonymous REST.',
				'alt'     => 'Sketch of an eroding shoreline',
				'parent'  => $p_coast,
				'author'  => $zoe,
				'png'     => array( 800, 600, array( 90, 170, 160 ), 'Coastline - illustration' ),
			)
		)
	);

	// Content that needs media ids.
	$pdf_url = wp_get_attachment_url( $m_pdf_water );
	wp_update_post(
		wp_slash(
			array(
				'ID'           => $p_water,
				'post_content' => wpmigrate_h( 'Summary' )
					. wpmigrate_p( 'One in three households in the settlements we surveyed walks more than fifteen minutes to the nearest water point. Kiosk prices are up to five times the utility tariff.' )
					. wpmigrate_image_block( $m_waterpoint, 'Queue of containers at a shared tap', 'A shared water point visited during the 2023 survey.' )
					. wpmigrate_h( 'Key findings', 3 )
					. wpmigrate_list( array( 'Access improved in 7 of 12 settlements since 2021.', 'Women and girls still carry most of the water.', 'Pre-paid meters reduced queues but raised costs for the poorest.' ) )
					. "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>“The tap is close now, but the token runs out before the month does.”</p><cite>Resident, Kisaru settlement</cite></blockquote>\n<!-- /wp:quote -->\n\n"
					. "<!-- wp:file {\"id\":$m_pdf_water,\"href\":\"$pdf_url\"} -->\n<div class=\"wp-block-file\"><a href=\"$pdf_url\">Download the full report (PDF)</a></div>\n<!-- /wp:file -->\n\n",
			)
		)
	);
	$market_url = wp_get_attachment_url( $m_market );
	wp_update_post(
		wp_slash(
			array(
				'ID'           => $p_supply,
				'post_content' => "<p>Small producers earn between 8 % and 15 % of the retail price of their crops. This report asks where the rest goes, and why.</p>\n\n"
					. '[caption id="attachment_' . $m_market . '" align="aligncenter" width="640"]<img class="size-full wp-image-' . $m_market . '" src="' . $market_url . '" alt="Rows of market stalls with vegetables" width="640" height="400" /> Producers selling directly at a district market.[/caption]' . "\n\n"
					. "<p>We followed chilli, lentils and mangoes from farm to shelf &amp; interviewed 64 traders.</p>\n\n"
					. "<table><thead><tr><th>Crop</th><th>Farmer share</th></tr></thead><tbody><tr><td>Chilli</td><td>11 %</td></tr><tr><td>Lentils</td><td>15 %</td></tr><tr><td>Mangoes</td><td>8 %</td></tr></tbody></table>\n",
			)
		)
	);
	// The two updates above must not show as "modified": restore modified = date.
	foreach ( array( $p_water, $p_supply ) as $id ) {
		$wpdb->query( $wpdb->prepare( "UPDATE {$wpdb->posts} SET post_modified = post_date, post_modified_gmt = post_date_gmt WHERE ID = %d", $id ) );
		// wp_update_post stored a revision; a freshly seeded site has none.
		foreach ( wp_get_post_revisions( $id ) as $rev ) {
			wp_delete_post_revision( $rev->ID );
		}
		clean_post_cache( $id );
	}
	set_post_thumbnail( $p_water, $m_waterpoint );
	set_post_thumbnail( $p_supply, $m_market );
	set_post_thumbnail( $p_coast, $m_coast );

	wpmigrate_test_acf_set(
		$p_water,
		array(
			'report_pdf'       => $m_pdf_water,
			'publication_date' => '20230315',
			'featured_report'  => true,
			'authors_list'     => 'Zoë Åberg; Kwame Mensah',
			'partners'         => array(
				array(
					'name' => 'Lakeside Water Trust',
					'url'  => 'https://lakeside-water.example.org',
				),
				array(
					'name' => 'Institute for Urban Services',
					'url'  => 'https://urban-services.example.net',
				),
			),
		)
	);
	wpmigrate_test_acf_set(
		$p_supply,
		array(
			'publication_date' => '20221108',
			'featured_report'  => false,
			'authors_list'     => 'Kwame Mensah',
			'partners'         => array(
				array(
					'name' => 'Fair Produce Alliance',
					'url'  => 'https://fair-produce.example.org',
				),
			),
		)
	);
	wpmigrate_test_acf_set(
		$p_annual22,
		array(
			'report_pdf'       => $m_pdf_annual,
			'publication_date' => '20230131',
			'featured_report'  => true,
			'authors_list'     => 'Library Editorial Desk',
		)
	);
	wpmigrate_test_acf_set( $p_dairy, array( 'report_pdf' => $m_pdf_dairy ) );

	/* posts ---------------------------------------------------------------- */
	$cat = $terms['category'];
	$tag = $terms['post_tag'];
	$post = function ( $slug, array $args, array $cats = array(), array $tags = array(), array $regions = array() ) use ( $track ) {
		$args['post_type']     = 'post';
		$args['post_name']     = $slug;
		$args['post_category'] = $cats ? $cats : array( 1 );
		$id                    = wpmigrate_seed_post( $args );
		if ( $tags ) {
			wp_set_object_terms( $id, $tags, 'post_tag' );
		}
		if ( $regions ) {
			wp_set_object_terms( $id, $regions, 'region' );
		}
		return $track( 'post', $slug, $id );
	};
	$s_welcome = $post(
		'welcome-to-the-research-library',
		array(
			'post_title'   => 'Welcome to the New Research Library',
			'post_date'    => '2023-04-03 09:00:00',
			'post_content' => wpmigrate_p( 'All our reports, briefings and policy papers are now in one searchable library, with filters by resource type and region.' )
				. wpmigrate_p( 'Older titles from 2015 onwards will be added over the coming months.' ),
		),
		array( $cat['news'] ),
		array( $tag['open-data'] )
	);
	stick_post( $s_welcome );
	$roundtable_post = $post(
		'water-futures-roundtable-recap',
		array(
			'post_title'   => 'Event Recap: Water Futures Roundtable',
			'post_author'  => $zoe,
			'post_date'    => '2023-06-15 18:30:00',
			'post_content' => wpmigrate_p( 'Utility managers, residents’ associations and researchers met in Nairobi to discuss tariffs, kiosks and the next five years of investment.' )
				. wpmigrate_h( 'Three take-aways' )
				. wpmigrate_list( array( 'Publish kiosk prices.', 'Fund maintenance, not only new taps.', 'Count water carried by children.' ) ),
		),
		array( $cat['events'] ),
		array( $tag['water'] ),
		array( $rg['east-africa'] )
	);
	$s_opinion = $post(
		'supply-chain-data-field-checks',
		array(
			'post_title'   => 'Opinion: Why Supply-Chain Data Needs Field Checks',
			'post_author'  => $kwame,
			'post_date'    => '2022-12-01 08:15:00',
			'post_content' => '<p>Traceability dashboards look precise. Our field visits found that one in five recorded farm locations was a warehouse.</p><p>Data is only as good as the last person who checked it on the ground.</p>',
		),
		array( $cat['opinion'] ),
		array( $tag['supply-chains'], $tag['open-data'] ),
		array( $rg['south-asia'] )
	);
	wpmigrate_test_acf_set( $s_opinion, array( 'subtitle' => 'Dashboards are not the same as audits' ) );
	$s_members = $post(
		'members-briefing-notes',
		array(
			'post_title'    => 'Members-only Briefing Notes',
			'post_date'     => '2023-02-10 12:00:00',
			'post_password' => 'library',
			'post_content'  => wpmigrate_p( 'Notes from the members’ briefing on the 2023 research agenda.' ),
		),
		array( $cat['news'] )
	);
	$s_cfp = $post(
		'call-for-papers-adaptation-workshop',
		array(
			'post_title'   => 'Call for Papers: Climate Adaptation Workshop in Zürich',
			'post_author'  => $priya,
			'post_date'    => '2023-08-28 10:00:00',
			'post_content' => wpmigrate_p( 'We invite papers on locally led adaptation for a two-day workshop in Zürich (Switzerland). Abstracts of up to 300 words are due by 30 September.' )
				. wpmigrate_p( 'Travel support is available for early-career researchers from low- and middle-income countries.' ),
		),
		array( $cat['events'] ),
		array( $tag['climate'] ),
		array( $rg['europe'] )
	);
	$s_sahel = $post(
		'ten-years-fieldwork-sahel',
		array(
			'post_title'   => 'Ten Years of Fieldwork in the Sahel',
			'post_author'  => $priya,
			'post_date'    => '2021-01-15 09:45:00',
			'post_content' => wpmigrate_p( 'A decade ago we started a panel survey of 600 households. Here is what changed, and what did not.' ),
		),
		array( $cat['opinion'] ),
		array( $tag['migration'], $tag['climate'] ),
		array( $rg['sahel'] )
	);
	$post(
		'notes-on-data-licensing',
		array(
			'post_title'   => 'Draft: Notes on Data Licensing',
			'post_status'  => 'draft',
			'post_date'    => '2023-09-05 11:00:00',
			'post_content' => wpmigrate_p( 'Which licence should our datasets use? Draft for discussion.' ),
		),
		array( $cat['news'] )
	);
	$post(
		'staff-office-move',
		array(
			'post_title'   => 'Staff Only: Office Move',
			'post_status'  => 'private',
			'post_date'    => '2023-03-01 08:00:00',
			'post_content' => wpmigrate_p( 'The office moves to the second floor on 15 March.' ),
		),
		array( $cat['news'] )
	);
	$post(
		'photo-essay-river-delta',
		array(
			'post_title'   => 'Photo Essay: Living with the River Delta',
			'post_status'  => 'pending',
			'post_author'  => $ines,
			'post_date'    => '2023-10-20 14:00:00',
			'post_content' => wpmigrate_p( 'Twelve photographs from villages that move with the river.' ),
		),
		array( $cat['news'] ),
		array( $tag['climate'] )
	);
	$post(
		'annual-lecture-2099',
		array(
			'post_title'   => 'Upcoming: Annual Lecture 2099',
			'post_status'  => 'future',
			'post_date'    => '2099-03-01 18:00:00',
			'post_content' => wpmigrate_p( 'A scheduled announcement that stays in the future.' ),
		),
		array( $cat['events'] )
	);

	$m_roundtable = $track(
		'attachment',
		'roundtable',
		wpmigrate_seed_attachment(
			array(
				'file'    => 'roundtable.png',
				'slug'    => 'roundtable',
				'month'   => '2023/06',
				'date'    => '2023-06-15 18:00:00',
				'title'   => 'Roundtable participants',
				'caption' => 'Participants of the Water Futures Roundtable.',
				'alt'     => 'People seated around a long table',
				'parent'  => $roundtable_post,
				'author'  => $zoe,
				'png'     => array( 800, 600, array( 120, 90, 160 ), 'Roundtable - illustration' ),
			)
		)
	);
	set_post_thumbnail( $roundtable_post, $m_roundtable );

	/* pages ---------------------------------------------------------------- */
	$page = function ( $slug, array $args ) use ( $track ) {
		$args['post_type']      = 'page';
		$args['post_name']      = $slug;
		$args['comment_status'] = 'closed';
		return $track( 'page', $slug, wpmigrate_seed_post( $args ) );
	};
	$g_about = $page(
		'about',
		array(
			'post_title'   => 'About the Library',
			'post_date'    => '2020-01-06 10:00:00',
			'menu_order'   => 1,
			'post_content' => wpmigrate_p( 'The Research Library collects the work of an independent research group studying water access, supply chains, migration and climate adaptation.' )
				. wpmigrate_p( 'All publications are free to read and reuse under an open licence.' ),
		)
	);
	$m_team = $track(
		'attachment',
		'team-photo',
		wpmigrate_seed_attachment(
			array(
				'file'    => 'team-photo.png',
				'slug'    => 'team-photo',
				'month'   => '2020/01',
				'date'    => '2020-01-06 09:30:00',
				'title'   => 'The team',
				'caption' => 'The research team at the 2019 retreat.',
				'alt'     => 'Group photo of the research team',
				'png'     => array( 900, 500, array( 180, 120, 100 ), 'Team photo - illustration' ),
			)
		)
	);
	$g_team = $page(
		'team',
		array(
			'post_title'   => 'Team',
			'post_parent'  => $g_about,
			'post_date'    => '2020-01-06 10:05:00',
			'menu_order'   => 1,
			'post_content' => wpmigrate_image_block( $m_team, 'Group photo of the research team', 'The research team at the 2019 retreat.' )
				. wpmigrate_p( 'Our researchers: Zoë Åberg (water), Kwame Mensah (value chains) and Priya Ramanathan (mobility and climate risk).' ),
		)
	);
	$page(
		'board',
		array(
			'post_title'   => 'Board',
			'post_parent'  => $g_team,
			'post_date'    => '2020-01-06 10:10:00',
			'menu_order'   => 1,
			'post_content' => wpmigrate_p( 'The board meets twice a year and approves the research programme.' ),
		)
	);
	$block = $track(
		'wp_block',
		'newsletter-call-out',
		wpmigrate_seed_post(
			array(
				'post_type'      => 'wp_block',
				'post_name'      => 'newsletter-call-out',
				'post_title'     => 'Newsletter call-out',
				'post_date'      => '2020-01-06 09:50:00',
				'comment_status' => 'closed',
				'post_content'   => wpmigrate_p( '<strong>Stay informed:</strong> our monthly newsletter lists new publications and events.' ),
			)
		)
	);
	$g_contact = $page(
		'contact',
		array(
			'post_title'   => 'Contact',
			'post_date'    => '2020-01-06 10:15:00',
			'menu_order'   => 2,
			'post_content' => wpmigrate_p( 'Write to <a href="mailto:library@example.org">library@example.org</a> or visit us at 12 Example Street, London.' )
				. '<!-- wp:block {"ref":' . $block . "} /-->\n",
		)
	);
	$page(
		'careers',
		array(
			'post_title'   => 'Careers',
			'post_status'  => 'draft',
			'post_date'    => '2023-09-01 09:00:00',
			'menu_order'   => 3,
			'post_content' => wpmigrate_p( 'Vacancies will be listed here.' ),
		)
	);

	/* comments ------------------------------------------------------------- */
	$comments    = array();
	$c           = function ( $key, array $args ) use ( &$comments ) {
		$id               = wpmigrate_seed_comment( $args );
		$comments[ $key ] = $id;
		return $id;
	};
	$c_first     = $c(
		'roundtable-question',
		array(
			'comment_post_ID'      => $roundtable_post,
			'comment_author'       => 'Amara Nwosu',
			'comment_author_email' => 'amara.nwosu@example.net',
			'comment_author_url'   => 'https://amara.example.net',
			'comment_content'      => 'Will the slides from the tariff session be published?',
			'comment_date'         => '2023-06-16 09:12:00',
		)
	);
	$c(
		'roundtable-reply',
		array(
			'comment_post_ID'      => $roundtable_post,
			'comment_parent'       => $c_first,
			'user_id'              => $zoe,
			'comment_author'       => 'Zoë Åberg',
			'comment_author_email' => 'zaberg@example.org',
			'comment_content'      => 'Yes – they will be attached to the 2023 annual report.',
			'comment_date'         => '2023-06-16 11:40:00',
		)
	);
	$c(
		'roundtable-pending',
		array(
			'comment_post_ID'      => $roundtable_post,
			'comment_author'       => 'Felix Brandt',
			'comment_author_email' => 'felix.brandt@example.net',
			'comment_content'      => 'Awaiting moderation: is there a recording?',
			'comment_date'         => '2023-06-17 20:05:00',
			'comment_approved'     => 0,
		)
	);
	$c(
		'water-report-comment',
		array(
			'comment_post_ID'      => $p_water,
			'comment_author'       => 'Lucía Fernández',
			'comment_author_email' => 'lucia.fernandez@example.org',
			'comment_content'      => 'Very useful data on kiosk prices. Do you plan a Spanish summary?',
			'comment_date'         => '2023-03-25 17:30:00',
		)
	);
	$c(
		'welcome-comment',
		array(
			'comment_post_ID'      => $s_welcome,
			'comment_author'       => 'Jonas Weber',
			'comment_author_email' => 'jonas.weber@example.net',
			'comment_content'      => 'Great to have everything in one place & searchable.',
			'comment_date'         => '2023-04-03 13:02:00',
		)
	);
	$c(
		'cfp-spam',
		array(
			'comment_post_ID'      => $s_cfp,
			'comment_author'       => 'Cheap Essays',
			'comment_author_email' => 'spam@example.com',
			'comment_author_url'   => 'https://spam.example.com',
			'comment_content'      => 'Buy essays online!!!',
			'comment_date'         => '2023-08-29 03:33:00',
			'comment_approved'     => 'spam',
		)
	);

	/* internals ------------------------------------------------------------ */
	foreach ( array(
		'traffic-spike-annual-report' => array( 'Traffic spike after annual report launch', '2023-03-22 08:00:00', 'Visits tripled on launch day; most came from the newsletter.' ),
		'search-terms-q3'             => array( 'Top search terms, third quarter', '2023-10-01 08:00:00', 'water tariffs; remittances; heat' ),
	) as $slug => $def ) {
		$track(
			'exactmetrics_note',
			$slug,
			wpmigrate_seed_post(
				array(
					'post_type'      => 'exactmetrics_note',
					'post_name'      => $slug,
					'post_title'     => $def[0],
					'post_date'      => $def[1],
					'post_content'   => $def[2],
					'comment_status' => 'closed',
				)
			)
		);
	}

	// ACF definitions as acf-field-group / acf-field posts (what ACF stores in the DB).
	$acf_keys = array();
	foreach ( wpmigrate_test_acf_groups() as $gi => $group ) {
		$settings = array(
			'location'              => array(
				array(
					array(
						'param'    => 'post_type',
						'operator' => '==',
						'value'    => $group['post_type'][0],
					),
				),
			),
			'position'              => 'normal',
			'style'                 => 'default',
			'label_placement'       => 'top',
			'instruction_placement' => 'label',
			'hide_on_screen'        => '',
			'active'                => true,
			'description'           => '',
			'show_in_rest'          => 1,
		);
		$group_id = $track(
			'acf-field-group',
			$group['key'],
			wpmigrate_seed_post(
				array(
					'post_type'      => 'acf-field-group',
					'post_name'      => $group['key'],
					'post_title'     => $group['title'],
					'post_excerpt'   => $group['slug'],
					'post_content'   => serialize( $settings ),
					'post_date'      => '2020-01-05 12:00:00',
					'menu_order'     => $gi,
					'comment_status' => 'closed',
				)
			)
		);
		$acf_keys[ $group['key'] ] = $group['title'];
		$add_fields                = function ( array $fields, $parent ) use ( &$add_fields, $track, &$acf_keys ) {
			foreach ( $fields as $order => $field ) {
				$settings = array_merge(
					array(
						'type'              => $field['type'],
						'instructions'      => '',
						'required'          => 0,
						'conditional_logic' => 0,
						'wrapper'           => array(
							'width' => '',
							'class' => '',
							'id'    => '',
						),
					),
					array_diff_key( $field, array_flip( array( 'key', 'label', 'name', 'sub_fields' ) ) )
				);
				$id                        = $track(
					'acf-field',
					$field['key'],
					wpmigrate_seed_post(
						array(
							'post_type'      => 'acf-field',
							'post_name'      => $field['key'],
							'post_title'     => $field['label'],
							'post_excerpt'   => $field['name'],
							'post_content'   => serialize( $settings ),
							'post_parent'    => $parent,
							'post_date'      => '2020-01-05 12:00:00',
							'menu_order'     => $order,
							'comment_status' => 'closed',
						)
					)
				);
				$acf_keys[ $field['key'] ] = $field['name'];
				if ( ! empty( $field['sub_fields'] ) ) {
					$add_fields( $field['sub_fields'], $id );
				}
			}
		};
		$add_fields( $group['fields'], $group_id );
	}

	// A classic nav menu (used by Twenty Twenty-One).
	$menu_id    = wpmigrate_seed_check( wp_create_nav_menu( 'Main menu' ), 'menu' );
	$menu_items = array();
	$menu_defs  = array(
		array(
			'menu-item-title'     => 'About',
			'menu-item-object'    => 'page',
			'menu-item-object-id' => $g_about,
			'menu-item-type'      => 'post_type',
		),
		array(
			'menu-item-title' => 'Publications',
			'menu-item-url'   => home_url( '/publications/' ),
			'menu-item-type'  => 'custom',
		),
		array(
			'menu-item-title'     => 'News',
			'menu-item-object'    => 'category',
			'menu-item-object-id' => $cat['news'],
			'menu-item-type'      => 'taxonomy',
		),
		array(
			'menu-item-title'     => 'Contact',
			'menu-item-object'    => 'page',
			'menu-item-object-id' => $g_contact,
			'menu-item-type'      => 'post_type',
		),
	);
	foreach ( $menu_defs as $pos => $def ) {
		$def['menu-item-status']   = 'publish';
		$def['menu-item-position'] = $pos + 1;
		$menu_items[]              = (int) wpmigrate_seed_check( wp_update_nav_menu_item( $menu_id, 0, $def ), 'menu item' );
	}
	$wpdb->query(
		"UPDATE {$wpdb->posts} SET post_date = '2020-01-06 11:00:00', post_date_gmt = '2020-01-06 11:00:00',
		 post_modified = '2020-01-06 11:00:00', post_modified_gmt = '2020-01-06 11:00:00'
		 WHERE ID IN (" . implode( ',', $menu_items ) . ')'
	);
	foreach ( $menu_items as $i => $mid ) {
		clean_post_cache( $mid );
		$ids['nav_menu_item'][ 'main-menu-' . ( $i + 1 ) ] = $mid;
	}
	update_option(
		'theme_mods_twentytwentyone',
		array(
			'nav_menu_locations' => array(
				'primary' => $menu_id,
				'footer'  => $menu_id,
			),
		)
	);

	// Event calendars last, so that every id above stays what it was.
	$events = wpmigrate_seed_events( $track );

	wp_defer_term_counting( false );
	flush_rewrite_rules( false );

	/* manifest ------------------------------------------------------------- */
	$items = array();
	foreach ( $ids as $type => $by_slug ) {
		foreach ( $by_slug as $key => $id ) {
			$items[ $type ][ $key ] = wpmigrate_seed_item( $id );
		}
	}
	$comment_items = array();
	foreach ( $comments as $key => $cid ) {
		$cm                    = get_comment( $cid );
		$comment_items[ $key ] = array(
			'id'          => (int) $cm->comment_ID,
			'post'        => (int) $cm->comment_post_ID,
			'parent'      => (int) $cm->comment_parent,
			'status'      => wp_get_comment_status( $cm ),
			'author_name' => $cm->comment_author,
			'date'        => $cm->comment_date,
		);
	}
	$user_items = array();
	foreach ( $users as $slug => $uid ) {
		$u                   = get_userdata( $uid );
		$user_items[ $slug ] = array(
			'id'           => (int) $uid,
			'login'        => $u->user_login,
			'display_name' => $u->display_name,
			'role'         => $u->roles ? $u->roles[0] : '',
		);
	}
	$term_counts = array();
	foreach ( $terms as $tax => $by_slug ) {
		foreach ( $by_slug as $slug => $tid ) {
			$term_counts[ $tax ][ $slug ] = (int) get_term( $tid, $tax )->count;
		}
	}
	/* what an anonymous REST client can see (declared, checked by the tests) */
	$visible = array();
	$hidden  = array();
	$bases   = array(
		'publication' => 'publications',
		'post'        => 'posts',
		'page'        => 'pages',
		'attachment'  => 'media',
	);
	$counts  = array();
	foreach ( $items as $type => $by_slug ) {
		foreach ( $by_slug as $item ) {
			$counts[ $type ][ $item['status'] ] = ( isset( $counts[ $type ][ $item['status'] ] ) ? $counts[ $type ][ $item['status'] ] : 0 ) + 1;
			if ( ! isset( $bases[ $type ] ) ) {
				continue;
			}
			if ( 'attachment' === $type ) {
				$ok     = 0 === $item['parent'] || 'publish' === get_post_status( $item['parent'] );
				$reason = $ok ? '' : 'parent is ' . get_post_status( $item['parent'] );
			} else {
				$ok     = 'publish' === $item['status'];
				$reason = $item['status'];
			}
			if ( $ok ) {
				$visible[ $bases[ $type ] ][] = $item['id'];
			} else {
				$hidden[ $bases[ $type ] ][ (string) $item['id'] ] = $reason;
			}
		}
	}
	foreach ( $comment_items as $cm ) {
		if ( 'approved' === $cm['status'] && 'publish' === get_post_status( $cm['post'] ) && ! post_password_required( $cm['post'] ) ) {
			$visible['comments'][] = $cm['id'];
		} else {
			$hidden['comments'][ (string) $cm['id'] ] = $cm['status'];
		}
	}
	$rest_types = get_post_types( array( 'show_in_rest' => true ) );
	foreach ( $users as $slug => $uid ) {
		$published = (int) $wpdb->get_var(
			$wpdb->prepare(
				"SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_author = %d AND post_status = 'publish' AND post_type IN ('" . implode( "','", array_map( 'esc_sql', $rest_types ) ) . "')",
				$uid
			)
		);
		if ( $published ) {
			$visible['users'][] = (int) $uid;
		} else {
			$hidden['users'][ (string) $uid ] = 'no published posts';
		}
	}
	foreach ( $visible as $base => $list ) {
		sort( $visible[ $base ] );
	}

	return array(
		'rest_visible' => $visible,
		'rest_hidden'  => $hidden,
		'counts'       => $counts,
		'site'       => array(
			'title'               => get_option( 'blogname' ),
			'description'         => get_option( 'blogdescription' ),
			'url'                 => home_url(),
			'timezone'            => get_option( 'timezone_string' ),
			'permalink_structure' => get_option( 'permalink_structure' ),
			'theme'               => get_stylesheet(),
			'wp_version'          => get_bloginfo( 'version' ),
		),
		'users'      => $user_items,
		'terms'      => $terms,
		'term_counts' => $term_counts,
		'ids'        => $ids,
		'items'      => $items,
		'comments'   => $comment_items,
		'menus'      => array(
			'main-menu' => array(
				'id'    => (int) $menu_id,
				'items' => $menu_items,
			),
		),
		'acf'        => array(
			'keys'   => $acf_keys,
			'fields' => array(
				'publication' => array_map(
					function ( $f ) {
						return $f['name'];
					},
					wpmigrate_test_acf_fields_for( 'publication' )
				),
				'post'        => array( 'subtitle' ),
				'page'        => array(),
			),
		),
		'events'     => $events,
		'sticky'     => array_map( 'intval', get_option( 'sticky_posts', array() ) ),
		'passwords'  => array( 'members-briefing-notes' => 'library' ),
		'secrets'    => wpmigrate_seed_secrets(),
	);
}

/* ------------------------------------------------------------------------- */
/* classic posts with media shortcodes (tests/test_media_shortcodes.py)       */
/* ------------------------------------------------------------------------- */

/*
 * Not part of the seeded site: tests/test_media_shortcodes.py adds these posts for its own
 * module (wpmigrate_seed_media_shortcodes) and restores the database and uploads afterwards,
 * so every other test sees the site as it always was.
 */

/** A small audio or video file in uploads, registered as an attachment (no metadata). */
function wpmigrate_seed_media_file( $track, $slug, $file, $mime, $title, $date ) {
	$upload = wp_upload_dir( '2023/11' );
	file_put_contents( $upload['path'] . '/' . $file, "wpmigrate test $mime file\n" );
	$id = wp_insert_attachment(
		wp_slash(
			array(
				'post_title'     => $title,
				'post_name'      => $slug,
				'post_mime_type' => $mime,
				'post_status'    => 'inherit',
				'post_date'      => $date,
				'guid'           => $upload['url'] . '/' . $file,
				'comment_status' => 'closed',
				'ping_status'    => 'closed',
			)
		),
		$upload['path'] . '/' . $file,
		0,
		true
	);
	return $track( 'attachment', $slug, wpmigrate_seed_check( $id, 'attachment ' . $file ) );
}

/**
 * Three classic-editor posts (no block markup) whose media shortcodes WordPress renders:
 * [audio], [video], a bare media URL, [embed], [gallery] with and without ids, [playlist].
 * Files are uploaded first and attached to their post once it exists, so that no post is
 * updated (an update would change its modified date and store a revision).
 * The text avoids quotes and dashes, which wptexturize would curl in REST's rendering.
 * Returns the ids by kind and slug, and every file written to uploads (thumbnails included).
 */
function wpmigrate_seed_media_shortcodes( $team_photo ) {
	global $wpdb;
	wpmigrate_seed_prepare();
	$ids   = array();
	$track = function ( $type, $key, $id ) use ( &$ids ) {
		$ids[ $type ][ $key ] = (int) $id;
		return (int) $id;
	};
	$post = function ( $slug, $title, $date, $content, array $attached ) use ( $track, $wpdb ) {
		$id = wpmigrate_seed_post(
			array(
				'post_type'    => 'post',
				'post_name'    => $slug,
				'post_title'   => $title,
				'post_date'    => $date,
				'post_content' => $content,
			)
		);
		foreach ( $attached as $child ) {
			$wpdb->update( $wpdb->posts, array( 'post_parent' => $id ), array( 'ID' => $child ) );
			clean_post_cache( $child );
		}
		return $track( 'post', $slug, $id );
	};
	$picture = function ( $name, $i, $title, $caption, $alt, array $size ) use ( $track ) {
		return $track(
			'attachment',
			$name,
			wpmigrate_seed_attachment(
				array(
					'file'    => $name . '.png',
					'slug'    => $name,
					'month'   => '2023/11',
					'date'    => '2023-11-07 08:0' . $i . ':00',
					'title'   => $title,
					'caption' => $caption,
					'alt'     => $alt,
					'png'     => array( $size[0], $size[1], array( 90, 140, 110 ), $title ),
				)
			)
		);
	};

	$dawn = wpmigrate_seed_media_file( $track, 'canal-walk-audio', 'canal-walk.mp3', 'audio/mpeg', 'Canal walk', '2023-11-06 08:00:00' );
	$film = wpmigrate_seed_media_file( $track, 'canal-walk-video', 'canal-walk.mp4', 'video/mp4', 'Canal walk at dawn', '2023-11-06 08:05:00' );
	$post(
		'field-recordings',
		'Field recordings',
		'2023-11-06 09:00:00',
		"Recordings from the spring field visits.\nEach file is shared as recorded.\n\n"
			. '[audio src="' . wp_get_attachment_url( $dawn ) . "\"]\n\n"
			. "The walk along the canal, filmed at dawn:\n\n"
			. '[video src="' . wp_get_attachment_url( $film ) . "\" width=\"480\" height=\"270\"]\n\n"
			. "The same sound as a plain link on its own line:\n\n"
			. wp_get_attachment_url( $dawn ) . "\n\n"
			. "More about the method is on the project page:\n\n"
			. "[embed]https://example.org/field-methods/[/embed]\n\n"
			. "https://www.youtube.com/watch?v=wpmigrate01\n\n"
			. 'Recorded by the water team.',
		array( $dawn, $film )
	);

	$flip_chart = $picture( 'flip-chart', 0, 'Flip chart', 'Notes from the first session.', 'A flip chart covered in notes', array( 640, 480 ) );
	$site_map   = $picture( 'site-map', 1, 'Site map', '', 'A hand drawn map of the site', array( 300, 500 ) );
	$post(
		'workshop-photographs',
		'Workshop photographs',
		'2023-11-07 09:00:00',
		"Photographs from the workshop in Mombasa.\n\n"
			. '[gallery ids="' . $team_photo . ',' . $flip_chart . "\"]\n\n"
			. "Everything attached to this post, linked to the files:\n\n"
			. "[gallery columns=\"2\" link=\"file\"]\n\n"
			. "And one at medium size, without a link:\n\n"
			. '[gallery ids="' . $site_map . '" size="medium" link="none"]',
		array( $flip_chart, $site_map )
	);

	$voices     = array(
		wpmigrate_seed_media_file( $track, 'interview-kiosk-owner', 'interview-kiosk-owner.mp3', 'audio/mpeg', 'Interview with a kiosk owner', '2023-11-08 08:00:00' ),
		wpmigrate_seed_media_file( $track, 'interview-utility-manager', 'interview-utility-manager.mp3', 'audio/mpeg', 'Interview with a utility manager', '2023-11-08 08:05:00' ),
	);
	$site_visit = wpmigrate_seed_media_file( $track, 'site-visit-video', 'site-visit.mp4', 'video/mp4', 'Site visit', '2023-11-08 08:10:00' );
	$post(
		'interview-recordings',
		'Interview recordings',
		'2023-11-08 09:00:00',
		"Two interviews recorded for the water access study.\n\n"
			. '[playlist ids="' . $voices[1] . ',' . $voices[0] . "\"]\n\n"
			. "The site visit as a video playlist:\n\n"
			. '[playlist type="video" ids="' . $site_visit . '"]',
		array_merge( $voices, array( $site_visit ) )
	);

	$files = array();
	foreach ( $ids['attachment'] as $id ) {
		$file    = get_attached_file( $id );
		$files[] = $file;
		$meta    = wp_get_attachment_metadata( $id );
		foreach ( ( is_array( $meta ) && isset( $meta['sizes'] ) ) ? $meta['sizes'] : array() as $size ) {
			$files[] = dirname( $file ) . '/' . $size['file'];
		}
	}
	return array(
		'ids'   => $ids,
		'files' => $files,
	);
}

/* ------------------------------------------------------------------------- */
/* event calendars (mu-plugin/wpmigrate-test-events.php)                      */
/* ------------------------------------------------------------------------- */

/** TEC postmeta for one event: site-local times, their UTC twins, zone, duration (seconds). */
function wpmigrate_seed_tec_meta( $post_id, $start, $end, $zone_name, array $extra ) {
	$zone_id = preg_match( '/^UTC([+-]\d+)$/', $zone_name, $m ) ? sprintf( '%+03d:00', (int) $m[1] ) : $zone_name;
	$zone    = new DateTimeZone( $zone_id );
	$utc     = new DateTimeZone( 'UTC' );
	$s       = new DateTimeImmutable( $start, $zone );
	$e       = new DateTimeImmutable( $end, $zone );
	$meta    = array_merge(
		array(
			'_EventStartDate'       => $s->format( 'Y-m-d H:i:s' ),
			'_EventEndDate'         => $e->format( 'Y-m-d H:i:s' ),
			'_EventStartDateUTC'    => $s->setTimezone( $utc )->format( 'Y-m-d H:i:s' ),
			'_EventEndDateUTC'      => $e->setTimezone( $utc )->format( 'Y-m-d H:i:s' ),
			'_EventTimezone'        => $zone_name,
			'_EventTimezoneAbbr'    => $s->format( 'T' ),
			'_EventDuration'        => (string) ( $e->getTimestamp() - $s->getTimestamp() ),
			'_EventShowMap'         => '1',
			'_EventShowMapLink'     => '1',
			'_EventCurrencySymbol'  => '£',
			'_EventCurrencyPosition' => 'prefix',
		),
		$extra
	);
	foreach ( $meta as $key => $value ) {
		update_post_meta( $post_id, $key, wp_slash( $value ) );
	}
}

/** Columns of {prefix}ai1ec_events as All-in-One Event Calendar 2.3 creates them. */
function wpmigrate_seed_ai1ec_tables() {
	global $wpdb;
	$wpdb->query(
		"CREATE TABLE IF NOT EXISTS {$wpdb->prefix}ai1ec_events (
			post_id bigint(20) NOT NULL, start int(10) UNSIGNED NOT NULL, end int(10) UNSIGNED,
			timezone_name varchar(50), allday tinyint(1) NOT NULL, instant_event tinyint(1) NOT NULL DEFAULT 0,
			recurrence_rules longtext, exception_rules longtext, recurrence_dates longtext, exception_dates longtext,
			venue varchar(255), country varchar(255), address varchar(255), city varchar(255), province varchar(255),
			postal_code varchar(32), show_map tinyint(1), contact_name varchar(255), contact_phone varchar(32),
			contact_email varchar(128), contact_url varchar(255), cost varchar(255), ticket_url varchar(255),
			ical_feed_url varchar(255), ical_source_url varchar(255), ical_organizer varchar(255),
			ical_contact varchar(255), ical_uid varchar(255), show_coordinates tinyint(1),
			latitude decimal(20,15), longitude decimal(20,15), force_regenerate tinyint(1) NOT NULL DEFAULT 0,
			PRIMARY KEY  (post_id), KEY feed_source (ical_feed_url)
		) CHARACTER SET utf8mb4"
	);
	$wpdb->query(
		"CREATE TABLE IF NOT EXISTS {$wpdb->prefix}ai1ec_event_instances (
			id bigint(20) NOT NULL AUTO_INCREMENT, post_id bigint(20) NOT NULL,
			start int(10) UNSIGNED NOT NULL, end int(10) UNSIGNED NOT NULL,
			PRIMARY KEY  (id), UNIQUE KEY evt_instance (post_id,start)
		) CHARACTER SET utf8mb4"
	);
}

/**
 * The Events Calendar (5 events, 2 venues; the second venue is created after the events
 * that use it) and All-in-One Event Calendar (5 events: January and July in London, an
 * all-day one imported with its own UID, a monthly series across the clock change, and one
 * before the plugins' pinned "now"). Returns the ids by slug.
 */
function wpmigrate_seed_events( $track ) {
	global $wpdb;
	// "Activate" the plugins for seeding; they are switched off again below (see the
	// mu-plugin), so that only tests that ask for them see them.
	update_option( WPMIGRATE_TEST_EVENTS_OPTION, '1' );
	wpmigrate_test_events_register();
	$post = function ( $type, $slug, $title, $content, $date ) use ( $track ) {
		return $track(
			$type,
			$slug,
			wpmigrate_seed_post(
				array(
					'post_type'      => $type,
					'post_name'      => $slug,
					'post_title'     => $title,
					'post_content'   => $content,
					'post_date'      => $date,
					'comment_status' => 'closed',
				)
			)
		);
	};

	/* The Events Calendar ------------------------------------------------ */
	$library = $post( 'tribe_venue', 'british-library-conference-centre', 'British Library Conference Centre', '', '2023-11-01 09:00:00' );
	foreach ( array(
		'_VenueAddress' => '96 Euston Road',
		'_VenueCity'    => 'London',
		'_VenueCountry' => 'United Kingdom',
		'_VenueZip'     => 'NW1 2DB',
		'_VenuePhone'   => '+44 20 7946 0000',
	) as $key => $value ) {
		update_post_meta( $library, $key, $value );
	}
	$workshops = wpmigrate_seed_term( 'Workshops', 'tribe_events_cat', 'workshops', 'Hands-on sessions.' );

	$tec = array(
		'water-data-launch'      => array( 'Water Data Launch: Maps, Methods & "Lessons"', '2024-01-18 14:00:00', '2024-01-18 16:30:00', 'Europe/London', array( '_EventVenueID' => $library, '_EventCost' => '10', '_EventURL' => 'https://water-data.example.org/launch' ) ),
		'summer-field-school'    => array( 'Summer Field School', '2024-07-10 14:00:00', '2024-07-12 17:30:00', 'Europe/London', array( '_EventCost' => '0' ) ),
		'open-archive-day'       => array( 'Open Archive Day', '2024-05-04 00:00:00', '2024-05-04 23:59:59', 'Europe/London', array( '_EventVenueID' => $library, '_EventAllDay' => 'yes' ) ),
		'autumn-lecture-2023'    => array( 'Autumn Lecture 2023', '2023-11-15 18:00:00', '2023-11-15 19:30:00', 'Europe/London', array() ),
		'adaptation-summit-2026' => array( 'Adaptation Summit 2026', '2026-03-02 09:00:00', '2026-03-02 17:00:00', 'UTC+1', array( '_EventCost' => '25', '_EventCurrencySymbol' => '€', '_EventCurrencyPosition' => 'suffix' ) ),
	);
	$tec_ids = array();
	foreach ( $tec as $slug => $def ) {
		list( $title, $start, $end, $zone, $extra ) = $def;
		$id = $post( 'tribe_events', $slug, $title, wpmigrate_p( 'Join us for ' . $title . '.' ), '2023-10-02 10:00:00' );
		wpmigrate_seed_tec_meta( $id, $start, $end, $zone, $extra );
		$tec_ids[ $slug ] = $id;
	}
	wp_set_object_terms( $tec_ids['water-data-launch'], array( $workshops ), 'tribe_events_cat' );
	// A venue created after its event: WXR lists it after the event that points at it.
	$station = $post( 'tribe_venue', 'field-station-kisumu', 'Field Station Kisumu', '', '2023-12-01 09:00:00' );
	foreach ( array(
		'_VenueAddress' => 'Off Nairobi Road',
		'_VenueCity'    => 'Kisumu',
		'_VenueCountry' => 'Kenya',
	) as $key => $value ) {
		update_post_meta( $station, $key, $value );
	}
	update_post_meta( $tec_ids['summer-field-school'], '_EventVenueID', $station );

	/* All-in-One Event Calendar ------------------------------------------ */
	wpmigrate_seed_ai1ec_tables();
	$london = new DateTimeZone( 'Europe/London' );
	$ts     = function ( $local ) use ( $london ) {
		return ( new DateTimeImmutable( $local, $london ) )->getTimestamp();
	};
	$ai1ec  = array(
		'data-clinic-january'   => array(
			'title'   => 'Data Clinic: Cleaning Survey Data',
			'content' => wpmigrate_p( 'Bring your survey files; we bring coffee, tea, and patience.' ),
			'start'   => '2024-01-25 14:00:00',
			'end'     => '2024-01-25 16:00:00',
			'row'     => array(
				'venue'      => 'Library Reading Room',
				'address'    => '1 Example Street, London WC1E 7HU, United Kingdom',
				'city'       => 'London',
				'country'    => 'United Kingdom',
				'cost'       => '£5',
				'ticket_url' => 'https://tickets.example.org/data-clinic',
			),
		),
		'river-walk-july'       => array(
			'title'   => 'River Walk; Water, Weirs, and "Wildlife" \\ Part 2',
			'content' => wpmigrate_p( 'A long walk along the river with Zoë Åberg and Kwame Mensah, looking at weirs, locks, flood defences and the wildlife that lives between them.' ),
			'start'   => '2024-07-20 14:00:00',
			'end'     => '2024-07-20 17:00:00',
			'row'     => array(
				'venue'        => 'Thames Path Meeting Point',
				'cost'         => 'Free',
				'contact_name' => 'Events desk',
			),
		),
		'archive-open-house'    => array(
			'title'   => 'Archive Open House',
			'content' => wpmigrate_p( 'The whole archive, open all day.' ),
			'start'   => '2024-06-08 00:00:00',
			'end'     => '2024-06-09 00:00:00',
			'row'     => array(
				'allday'   => 1,
				'venue'    => 'Reading Room',
				'address'  => '1 Example Street, London',
				'ical_uid' => 'open-house-2024@calendar.example.net',
			),
		),
		'monthly-reading-group' => array(
			'title'   => 'Monthly Reading Group',
			'content' => wpmigrate_p( 'First Tuesday of the month.' ),
			'start'   => '2024-02-06 18:30:00',
			'end'     => '2024-02-06 20:00:00',
			'row'     => array(
				'venue'            => 'Seminar Room 2',
				'recurrence_rules' => 'FREQ=MONTHLY;BYDAY=1TU;COUNT=6',
			),
			'repeat'  => array( '2024-03-05', '2024-04-02', '2024-05-07', '2024-06-04', '2024-07-02' ),
		),
		'ai1ec-past-lecture'    => array(
			'title'   => 'Past Lecture',
			'content' => wpmigrate_p( 'Before the calendar was pinned.' ),
			'start'   => '2023-10-12 18:00:00',
			'end'     => '2023-10-12 19:00:00',
			'row'     => array( 'venue' => 'Lecture Theatre' ),
		),
	);
	$ai1ec_ids = array();
	foreach ( $ai1ec as $slug => $def ) {
		$id  = $post( 'ai1ec_event', $slug, $def['title'], $def['content'], '2023-09-01 12:00:00' );
		$row = array_merge(
			array(
				'post_id'       => $id,
				'start'         => $ts( $def['start'] ),
				'end'           => $ts( $def['end'] ),
				'timezone_name' => 'Europe/London',
				'allday'        => 0,
				'show_map'      => 0,
			),
			$def['row']
		);
		$wpdb->insert( $wpdb->prefix . 'ai1ec_events', $row );
		$length = $row['end'] - $row['start'];
		$wpdb->insert( $wpdb->prefix . 'ai1ec_event_instances', array( 'post_id' => $id, 'start' => $row['start'], 'end' => $row['end'] ) );
		foreach ( isset( $def['repeat'] ) ? $def['repeat'] : array() as $day ) {
			$start = $ts( $day . ' ' . substr( $def['start'], 11 ) );
			$wpdb->insert( $wpdb->prefix . 'ai1ec_event_instances', array( 'post_id' => $id, 'start' => $start, 'end' => $start + $length ) );
		}
		$ai1ec_ids[ $slug ] = $id;
	}
	update_option( WPMIGRATE_TEST_EVENTS_OPTION, '0' );
	return array(
		'clock'                     => WPMIGRATE_TEST_EVENTS_NOW,
		'the-events-calendar'       => $tec_ids,
		'venues'                    => array(
			'british-library-conference-centre' => $library,
			'field-station-kisumu'              => $station,
		),
		'all-in-one-event-calendar' => $ai1ec_ids,
	);
}

/** Application password for the admin (returned once; the harness keeps it). */
function wpmigrate_seed_secrets() {
	$created = WP_Application_Passwords::create_new_application_password( 1, array( 'name' => 'wpmigrate tests' ) );
	wpmigrate_seed_check( $created, 'application password' );
	return array( 'app_password' => $created[0] );
}

/* ------------------------------------------------------------------------- */
/* sync scenario                                                              */
/* ------------------------------------------------------------------------- */

function wpmigrate_seed_find( $type, $slug ) {
	$post = get_page_by_path( $slug, OBJECT, $type );
	if ( ! $post ) {
		throw new WPMigrate_Seed_Error( "apply_edits: $type/$slug not found (edits already applied?)" );
	}
	return (int) $post->ID;
}

/**
 * Modify 10 published items, permanently delete 4, trash 3, add 5 publications.
 * Returns ids grouped by change and by post type.
 */
function wpmigrate_apply_edits() {
	wpmigrate_seed_prepare();
	$out = array(
		'modified' => array(),
		'deleted'  => array(),
		'trashed'  => array(),
		'added'    => array(),
		'by_type'  => array(),
	);
	$note = function ( $change, $type, $id ) use ( &$out ) {
		$out[ $change ][]                     = $id;
		$out['by_type'][ $type ][ $change ][] = $id;
	};

	$modify = array(
		array( 'publication', 'supply-chains-small-producers' ),
		array( 'publication', 'seasonal-migration-remittances' ),
		array( 'publication', 'groundwater-community-monitoring' ),
		array( 'publication', 'cold-chains-smallholder-dairy' ),
		array( 'publication', 'displacement-after-floods' ),
		array( 'publication', 'drought-early-warning' ),
		array( 'post', 'welcome-to-the-research-library' ),
		array( 'post', 'supply-chain-data-field-checks' ),
		array( 'page', 'about' ),
		array( 'page', 'about/team' ),
	);
	foreach ( $modify as $def ) {
		$id   = wpmigrate_seed_find( $def[0], $def[1] );
		$post = get_post( $id );
		wpmigrate_seed_check(
			wp_update_post(
				wp_slash(
					array(
						'ID'           => $id,
						'post_title'   => $post->post_title . ' (updated)',
						'post_content' => $post->post_content . wpmigrate_p( 'Update: figures revised after a second round of field checks.' ),
					)
				),
				true
			),
			'modify ' . $def[1]
		);
		$note( 'modified', $def[0], $id );
	}

	$delete = array(
		array( 'publication', 'fair-wages-garment-supply-chains' ),
		array( 'publication', 'urban-heat-informal-workers' ),
		array( 'post', 'call-for-papers-adaptation-workshop' ),
		array( 'post', 'ten-years-fieldwork-sahel' ),
	);
	foreach ( $delete as $def ) {
		$id = wpmigrate_seed_find( $def[0], $def[1] );
		wpmigrate_seed_check( wp_delete_post( $id, true ), 'delete ' . $def[1] );
		$note( 'deleted', $def[0], $id );
	}

	$trash = array(
		array( 'publication', 'remote-sensing-wetland-restoration' ),
		array( 'publication', 'adaptation-finance-last-mile' ),
		array( 'post', 'members-briefing-notes' ),
	);
	foreach ( $trash as $def ) {
		$id = wpmigrate_seed_find( $def[0], $def[1] );
		wpmigrate_seed_check( wp_trash_post( $id ), 'trash ' . $def[1] );
		$note( 'trashed', $def[0], $id );
	}

	$rt = get_term_by( 'slug', 'briefing', 'resource_type' );
	$rg = get_term_by( 'slug', 'sahel', 'region' );
	$new_titles = array(
		'Briefing: Grain Storage and Price Swings',
		'Mapping Water Kiosks with Residents',
		'Heat Action Plans: A Comparison of Six Cities',
		'Labour Recruitment Fees in Migration Corridors',
		'Mangrove Restoration and Fisheries Income',
	);
	foreach ( $new_titles as $i => $title ) {
		$id = wpmigrate_seed_post(
			array(
				'post_type'    => 'publication',
				'post_title'   => $title,
				'post_name'    => 'new-publication-' . ( $i + 1 ),
				'post_author'  => 1,
				'post_content' => wpmigrate_p( 'A new publication added after the first export (' . ( $i + 1 ) . ' of 5).' ),
			)
		);
		wp_set_object_terms( $id, array( (int) $rt->term_id ), 'resource_type' );
		wp_set_object_terms( $id, array( (int) $rg->term_id ), 'region' );
		wpmigrate_test_acf_set(
			$id,
			array(
				'publication_date' => gmdate( 'Ymd' ),
				'featured_report'  => 0 === $i,
				'authors_list'     => 'Library Editorial Desk',
			)
		);
		$note( 'added', 'publication', (int) $id );
	}
	return $out;
}

/* ------------------------------------------------------------------------- */
/* bulk                                                                       */
/* ------------------------------------------------------------------------- */

/** Add $n publications quickly (one transaction, deferred term counting). */
function wpmigrate_seed_bulk( $n ) {
	global $wpdb;
	wpmigrate_seed_prepare();
	if ( ! defined( 'WP_IMPORTING' ) ) {
		define( 'WP_IMPORTING', true );
	}
	wp_defer_term_counting( true );
	wp_suspend_cache_invalidation( true );
	remove_all_actions( 'save_post' );
	remove_all_actions( 'wp_insert_post' );

	$types   = array_values( get_terms( array( 'taxonomy' => 'resource_type', 'hide_empty' => false, 'fields' => 'ids' ) ) );
	$regions = array_values( get_terms( array( 'taxonomy' => 'region', 'hide_empty' => false, 'fields' => 'ids' ) ) );
	$authors = array_values( get_users( array( 'role__in' => array( 'author', 'administrator' ), 'fields' => 'ID', 'orderby' => 'ID' ) ) );
	$pdfs    = array_values( get_posts( array( 'post_type' => 'attachment', 'post_mime_type' => 'application/pdf', 'post_status' => 'inherit', 'fields' => 'ids', 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC' ) ) );
	$fields  = array();
	foreach ( wpmigrate_test_acf_fields_for( 'publication' ) as $f ) {
		$fields[ $f['name'] ] = $f;
	}
	$start = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->posts} WHERE post_name LIKE 'bulk-publication-%'" );
	$topics = array( 'water tariffs', 'grain markets', 'labour migration', 'flood insurance', 'urban heat', 'coastal fisheries', 'seed systems', 'cash transfers' );
	$places = array( 'Kisumu', 'Mopti', 'Cusco', 'Rangpur', 'Suva', 'Tamale', 'Lalitpur', 'Oruro' );
	$ids    = array();
	$wpdb->query( 'START TRANSACTION' );
	$base = strtotime( '2015-01-05 09:00:00 UTC' );
	for ( $k = 0; $k < $n; $k++ ) {
		$i     = $start + $k + 1;
		$topic = $topics[ $i % count( $topics ) ];
		$place = $places[ ( $i * 3 ) % count( $places ) ];
		$date  = gmdate( 'Y-m-d H:i:s', $base + $i * 86400 * 2 + ( $i % 7 ) * 3600 );
		$id    = wp_insert_post(
			wp_slash(
				array(
					'post_type'      => 'publication',
					'post_status'    => 'publish',
					'post_author'    => $authors[ $i % count( $authors ) ],
					'post_title'     => sprintf( 'Field Note %04d: %s in %s', $i, ucfirst( $topic ), $place ),
					'post_name'      => sprintf( 'bulk-publication-%04d', $i ),
					'post_date'      => $date,
					'post_content'   => wpmigrate_p( sprintf( 'Field note %d looks at %s in %s, based on interviews and household records.', $i, $topic, $place ) )
						. wpmigrate_h( 'Findings' )
						. wpmigrate_list( array( 'Costs rose faster than incomes.', 'Women reported less access to credit.', 'Local groups filled gaps in services.' ) )
						. wpmigrate_p( 'Data tables are available on request.' ),
					'comment_status' => 'closed',
					'ping_status'    => 'closed',
				)
			),
			true
		);
		wpmigrate_seed_check( $id, "bulk $i" );
		wp_set_object_terms( $id, array( (int) $types[ $i % count( $types ) ] ), 'resource_type' );
		wp_set_object_terms( $id, array( (int) $regions[ $i % count( $regions ) ], (int) $regions[ ( $i + 2 ) % count( $regions ) ] ), 'region' );
		$meta = array(
			'publication_date' => gmdate( 'Ymd', strtotime( $date ) ),
			'featured_report'  => 0 === $i % 10 ? '1' : '0',
			'authors_list'     => 'Field Team ' . ( 1 + $i % 5 ) . '; Library Editorial Desk',
			'partners'         => '1',
			'partners_0_name'  => 'Partner ' . ( 1 + $i % 12 ),
			'partners_0_url'   => 'https://partner-' . ( 1 + $i % 12 ) . '.example.org',
		);
		$keys = array(
			'publication_date' => $fields['publication_date']['key'],
			'featured_report'  => $fields['featured_report']['key'],
			'authors_list'     => $fields['authors_list']['key'],
			'partners'         => $fields['partners']['key'],
			'partners_0_name'  => $fields['partners']['sub_fields'][0]['key'],
			'partners_0_url'   => $fields['partners']['sub_fields'][1]['key'],
		);
		if ( $pdfs && 0 === $i % 4 ) {
			$meta['report_pdf'] = (string) $pdfs[ $i % count( $pdfs ) ];
			$keys['report_pdf'] = $fields['report_pdf']['key'];
		}
		$values = array();
		foreach ( $meta as $name => $value ) {
			$values[] = $wpdb->prepare( '(%d, %s, %s)', $id, $name, $value );
			$values[] = $wpdb->prepare( '(%d, %s, %s)', $id, '_' . $name, $keys[ $name ] );
		}
		$wpdb->query( "INSERT INTO {$wpdb->postmeta} (post_id, meta_key, meta_value) VALUES " . implode( ',', $values ) );
		$ids[] = (int) $id;
	}
	$wpdb->query( 'COMMIT' );
	wp_suspend_cache_invalidation( false );
	wp_defer_term_counting( false );
	wp_cache_flush();
	return $ids;
}
