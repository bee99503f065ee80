<?php
/**
 * Plugin Name: wpmigrate test theme debris
 * Description: Two "theme styles" that dress publications with template debris the way
 *              research-library themes do (wpmigrate issue 12). Installed by
 *              tests/wordpress/harness.py; off unless the option below is set.
 *
 * Written for wpmigrate (no text from real sites). Both styles change the excerpt WordPress
 * generates everywhere (REST included: a teaser cut and a "more" phrase), and add template
 * elements to front-end pages only (listings: the categories, the tags; single pages: the
 * title next to a PDF link), as a theme's templates would:
 *
 * - 'library': categories run together with no separator before the teaser, the teaser cut
 *   mid-word and glued to "...Read More", a "TAGS:" line; single pages end with the title and
 *   a "DOWNLOAD" link to the report PDF. Classes on the template elements, term links.
 * - 'boxed': categories joined by " / " in a <strong>, 25 words then "… Learn more »", a
 *   "Keywords:" line of plain names, a "Share this report" line; single pages end with a box
 *   holding the title and a "Get the PDF" button. No classes of its own on most of it.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Option naming the active style: '' (off), 'library' or 'boxed'. */
const WPMIGRATE_TEST_DEBRIS_OPTION = 'wpmigrate_test_debris_style';

/** The active style, or '' when the site shows publications plainly. */
function wpmigrate_test_debris_style() {
	$style = get_option( WPMIGRATE_TEST_DEBRIS_OPTION );
	return in_array( $style, array( 'library', 'boxed' ), true ) ? $style : '';
}

/** A front-end page view: not REST, not the admin, not the command line. */
function wpmigrate_test_debris_front() {
	if ( defined( 'REST_REQUEST' ) && REST_REQUEST ) {
		return false;
	}
	return ! is_admin() && 'cli' !== PHP_SAPI;
}

/** Names (or links) of a post's terms in one taxonomy. */
function wpmigrate_test_debris_terms( $post_id, $taxonomy, $links ) {
	$terms = get_the_terms( $post_id, $taxonomy );
	if ( ! $terms || is_wp_error( $terms ) ) {
		return array();
	}
	$out = array();
	foreach ( $terms as $term ) {
		$name  = esc_html( $term->name );
		$out[] = $links ? '<a href="' . esc_url( get_term_link( $term ) ) . '" rel="tag">' . $name . '</a>' : $name;
	}
	return $out;
}

/** The excerpt WordPress generates, everywhere (REST too): the style's cut and phrase. */
add_filter(
	'wp_trim_excerpt',
	function ( $text, $raw_excerpt ) {
		$style = wpmigrate_test_debris_style();
		$post  = get_post();
		if ( ! $style || ! $post || 'publication' !== $post->post_type ) {
			return $text;
		}
		$source = '' !== $raw_excerpt ? $raw_excerpt : excerpt_remove_blocks( strip_shortcodes( $post->post_content ) );
		$plain  = trim( preg_replace( '/\s+/u', ' ', wp_strip_all_tags( $source ) ) );
		$link   = esc_url( get_permalink( $post ) );
		if ( 'library' === $style ) {
			return esc_html( mb_substr( $plain, 0, 160 ) ) . '...<a href="' . $link . '">Read More</a>';
		}
		return esc_html( wp_trim_words( $plain, 25, '' ) ) . ' &hellip; <a href="' . $link . '" class="cta">Learn more &raquo;</a>';
	},
	20,
	2
);

/** Listings: the template around each publication's teaser (front end only). */
add_filter(
	'get_the_excerpt',
	function ( $excerpt, $post ) {
		$style = wpmigrate_test_debris_style();
		if ( ! $style || ! wpmigrate_test_debris_front() || is_singular() || 'publication' !== $post->post_type ) {
			return $excerpt;
		}
		if ( 'library' === $style ) {
			$cats = implode( '', wpmigrate_test_debris_terms( $post->ID, 'resource_type', true ) );
			$tags = implode( ', ', wpmigrate_test_debris_terms( $post->ID, 'region', true ) );
			return '<span class="pub-cats">' . $cats . "</span>\n\n" . $excerpt . "\n\n" . '<span class="pub-tags">TAGS: ' . $tags . '</span>';
		}
		$cats = implode( ' / ', wpmigrate_test_debris_terms( $post->ID, 'resource_type', false ) );
		$tags = implode( ', ', wpmigrate_test_debris_terms( $post->ID, 'region', false ) );
		return '<strong>' . $cats . "</strong>\n\n" . $excerpt . "\n\n<small>Keywords: " . $tags . "</small>\n\n<small>Share this report</small>";
	},
	20,
	2
);

/** Single pages: the title next to the report PDF, at the end of the content. */
add_filter(
	'the_content',
	function ( $content ) {
		$style = wpmigrate_test_debris_style();
		$id    = get_the_ID();
		if ( ! $style || ! wpmigrate_test_debris_front() || ! is_singular( 'publication' ) || get_queried_object_id() !== $id ) {
			return $content;
		}
		$pdf = (int) get_post_meta( $id, 'report_pdf', true );
		$url = $pdf ? wp_get_attachment_url( $pdf ) : '';
		if ( ! $url ) {
			return $content;
		}
		$title = esc_html( get_the_title( $id ) );
		if ( 'library' === $style ) {
			return $content . '<p class="pub-download">' . $title . ' <a href="' . esc_url( $url ) . '">DOWNLOAD</a></p>';
		}
		return $content . '<div class="wp-block-group"><h4>' . $title . '</h4><p><a class="wp-element-button" href="' . esc_url( $url ) . '">Get the PDF</a></p></div>';
	},
	20
);
