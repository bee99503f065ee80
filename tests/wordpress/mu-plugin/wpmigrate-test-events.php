<?php
/**
 * Plugin Name: wpmigrate test fixtures: event calendars
 * Description: Stand-ins for The Events Calendar and All-in-One Event Calendar, answering
 *              the way those plugins do. Installed by tests/wordpress/harness.py.
 *
 * Test scaffolding written for wpmigrate, shaped after the plugins' public code:
 *
 * - The Events Calendar 4.x (TEC): post types `tribe_events` and `tribe_venue`, taxonomy
 *   `tribe_events_cat`, event data in postmeta (`_EventStartDate`...), and the REST
 *   archive `tribe/events/v1/events` (Archive_Event + Post_Repository::get_event_data:
 *   `{events, rest_url, next_rest_url?, previous_rest_url?, total, total_pages}`, headers
 *   X-TEC-Total / X-TEC-TotalPages, per_page <= 50, `start_date` defaulting to "yesterday
 *   23:59" and `end_date` to "+24 months", 404 `event-archive-page-not-found` when empty).
 *   Like TEC without its block editor, the post types stay out of `wp/v2` for anonymous
 *   clients (show_in_rest is `current_user_can( 'manage_options' )` at init).
 * - All-in-One Event Calendar 2.3 (ai1ec): post type `ai1ec_event`, dates and venue in
 *   `{prefix}ai1ec_events` (+ `ai1ec_event_instances`), and the iCal export at
 *   /?plugin=all-in-one-event-calendar&controller=ai1ec_exporter_controller&action=export_events
 *   (lib/command/export-events.php + lib/import-export/ics.php: events from yesterday to
 *   three years ahead, or from three years back with `ai1ec_post_ids`; UID
 *   `ai1ec-<post id>@<host>` unless the event was imported with its own; TZID'd local
 *   times; VALUE=DATE all-day dates; `venue @ address` LOCATION; X-COST; RRULE).
 *
 * Both plugins compare with time(); here "now" is pinned (WPMIGRATE_TEST_EVENTS_NOW) so
 * the feeds give the same answer whenever the tests run.
 *
 * The two plugins are "inactive" unless the option WPMIGRATE_TEST_EVENTS_OPTION is set
 * (harness: `site.set_event_plugins(True)`): the seeded event posts stay in the database,
 * but the post types, the REST route and the export are only there while it is on, so the
 * rest of the test suite sees the site it always saw.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** The plugins' "now" on the test site (UTC). */
const WPMIGRATE_TEST_EVENTS_NOW = '2024-01-01 00:00:00';

/** Option that "activates" both plugins. */
const WPMIGRATE_TEST_EVENTS_OPTION = 'wpmigrate_test_event_plugins';

/** Option that puts `ai1ec_event` into wp/v2 (off by default, as in the real plugin). */
const WPMIGRATE_TEST_AI1EC_REST_OPTION = 'wpmigrate_test_ai1ec_in_rest';

function wpmigrate_test_events_now() {
	return strtotime( WPMIGRATE_TEST_EVENTS_NOW . ' UTC' );
}

function wpmigrate_test_events_active() {
	return (bool) get_option( WPMIGRATE_TEST_EVENTS_OPTION );
}

/** The plugins' post types and taxonomies (seed.php also calls this while seeding). */
function wpmigrate_test_events_register() {
	register_post_type(
		'tribe_events',
		array(
			'label'        => 'Events',
			'public'       => true,
			'show_in_rest' => current_user_can( 'manage_options' ),
			'has_archive'  => 'events',
			'rewrite'      => array(
				'slug'       => 'event',
				'with_front' => false,
			),
			'supports'     => array( 'title', 'editor', 'excerpt', 'author', 'thumbnail', 'custom-fields', 'comments' ),
			'taxonomies'   => array( 'tribe_events_cat' ),
		)
	);
	register_post_type(
		'tribe_venue',
		array(
			'label'               => 'Venues',
			'public'              => true,
			'exclude_from_search' => true,
			'show_in_rest'        => false,
			'rewrite'             => array(
				'slug'       => 'venue',
				'with_front' => false,
			),
			'supports'            => array( 'title', 'editor' ),
		)
	);
	register_taxonomy(
		'tribe_events_cat',
		array( 'tribe_events' ),
		array(
			'label'        => 'Event Categories',
			'hierarchical' => true,
			'public'       => true,
			'show_in_rest' => false,
			'rewrite'      => array( 'slug' => 'events/category' ),
		)
	);
	register_post_type(
		'ai1ec_event',
		array(
			'label'        => 'Calendar events',
			'public'       => true,
			'show_in_rest' => (bool) get_option( WPMIGRATE_TEST_AI1EC_REST_OPTION ),
			'rest_base'    => 'ai1ec-events',
			'rewrite'      => array(
				'slug'       => 'ai1ec-event',
				'with_front' => false,
			),
			'supports'     => array( 'title', 'editor', 'author', 'comments', 'custom-fields' ),
			'taxonomies'   => array( 'events_categories' ),
		)
	);
	register_taxonomy(
		'events_categories',
		array( 'ai1ec_event' ),
		array(
			'label'        => 'Event categories',
			'hierarchical' => true,
			'public'       => true,
			'show_in_rest' => false,
		)
	);
}

add_action(
	'init',
	function () {
		if ( wpmigrate_test_events_active() ) {
			wpmigrate_test_events_register();
		}
	},
	6
);

/* ------------------------------------------------------------------------- */
/* The Events Calendar: REST archive                                          */
/* ------------------------------------------------------------------------- */

add_action(
	'rest_api_init',
	function () {
		if ( ! wpmigrate_test_events_active() ) {
			return;
		}
		register_rest_route(
			'tribe/events/v1',
			'/events',
			array(
				'methods'             => 'GET',
				'callback'            => 'wpmigrate_test_tec_archive',
				'permission_callback' => '__return_true',
				'args'                => array(
					'page'       => array( 'default' => 1 ),
					'per_page'   => array( 'default' => (int) get_option( 'posts_per_page', 10 ) ),
					'start_date' => array(),
					'end_date'   => array(),
				),
			)
		);
	}
);

/** A date the way TEC's Tribe__Timezones::localize_date() reads it: site-local `Y-m-d H:i:s`. */
function wpmigrate_test_tec_local( $value, $default ) {
	$base = ( new DateTimeImmutable( '@' . wpmigrate_test_events_now() ) )->setTimezone( wp_timezone() );
	if ( null === $value || '' === $value ) {
		return $base->modify( $default )->format( 'Y-m-d H:i:s' );
	}
	try {
		$date = new DateTimeImmutable( (string) $value, wp_timezone() );
	} catch ( Exception $e ) {
		return null;
	}
	return $date->format( 'Y-m-d H:i:s' );
}

function wpmigrate_test_tec_archive( WP_REST_Request $request ) {
	$per_page = max( 1, min( 50, (int) $request['per_page'] ) );
	$page     = max( 1, (int) $request['page'] );
	$start    = wpmigrate_test_tec_local( $request['start_date'], 'yesterday 23:59' );
	$end      = wpmigrate_test_tec_local( $request['end_date'], '+24 months' );
	if ( null === $start || null === $end ) {
		return new WP_Error( 'rest_invalid_param', 'Invalid parameter(s): start_date, end_date', array( 'status' => 400 ) );
	}
	$statuses = current_user_can( 'edit_posts' ) ? array( 'publish', 'future', 'draft', 'pending', 'private' ) : array( 'publish' );
	$posts    = get_posts(
		array(
			'post_type'   => 'tribe_events',
			'post_status' => $statuses,
			'numberposts' => -1,
			'orderby'     => 'ID',
			'order'       => 'ASC',
		)
	);
	$matching = array();
	foreach ( $posts as $post ) {
		$event_start = get_post_meta( $post->ID, '_EventStartDate', true );
		$event_end   = get_post_meta( $post->ID, '_EventEndDate', true );
		if ( $event_end >= $start && $event_start <= $end ) {
			$matching[] = array( $event_start, $post->ID );
		}
	}
	sort( $matching );
	$total  = count( $matching );
	$pages  = (int) ceil( $total / $per_page );
	$chosen = array_slice( $matching, ( $page - 1 ) * $per_page, $per_page );
	if ( ! $chosen ) {
		return new WP_Error( 'event-archive-page-not-found', 'The requested event archive page does not exist', array( 'status' => 404 ) );
	}
	$base = rest_url( 'tribe/events/v1/events/' );
	$args = array(
		'start_date' => $start,
		'end_date'   => $end,
		'per_page'   => $per_page,
	);
	$data = array(
		'events'   => array(),
		'rest_url' => add_query_arg( array_merge( $args, array( 'page' => $page ) ), $base ),
	);
	if ( $page < $pages ) {
		$data['next_rest_url'] = add_query_arg( array_merge( $args, array( 'page' => $page + 1 ) ), $base );
	}
	if ( $page > 1 ) {
		$data['previous_rest_url'] = add_query_arg( array_merge( $args, array( 'page' => $page - 1 ) ), $base );
	}
	foreach ( $chosen as $pair ) {
		$data['events'][] = wpmigrate_test_tec_event( $pair[1] );
	}
	$data['total']       = $total;
	$data['total_pages'] = $pages;
	$response            = new WP_REST_Response( $data );
	$response->header( 'X-TEC-Total', (string) $total );
	$response->header( 'X-TEC-TotalPages', (string) $pages );
	return $response;
}

/** tribe_get_cost( $id, true ): the cost with its currency symbol, "Free" for 0. */
function wpmigrate_test_tec_cost( $event_id ) {
	$cost = trim( (string) get_post_meta( $event_id, '_EventCost', true ) );
	if ( '' === $cost ) {
		return '';
	}
	if ( '0' === $cost ) {
		return 'Free';
	}
	$symbol = get_post_meta( $event_id, '_EventCurrencySymbol', true );
	return 'suffix' === get_post_meta( $event_id, '_EventCurrencyPosition', true ) ? $cost . $symbol : $symbol . $cost;
}

function wpmigrate_test_tec_date_details( $date ) {
	$time = strtotime( $date );
	return array(
		'year'    => gmdate( 'Y', $time ),
		'month'   => gmdate( 'm', $time ),
		'day'     => gmdate( 'd', $time ),
		'hour'    => gmdate( 'H', $time ),
		'minutes' => gmdate( 'i', $time ),
		'seconds' => gmdate( 's', $time ),
	);
}

function wpmigrate_test_tec_terms( $post_id, $taxonomy ) {
	$out   = array();
	$terms = wp_get_post_terms( $post_id, $taxonomy );
	if ( is_wp_error( $terms ) ) {
		return $out;
	}
	foreach ( $terms as $term ) {
		$out[] = array(
			'id'          => (int) $term->term_id,
			'name'        => $term->name,
			'slug'        => $term->slug,
			'taxonomy'    => $term->taxonomy,
			'description' => $term->description,
			'parent'      => (int) $term->parent,
			'count'       => (int) $term->count,
			'url'         => get_term_link( $term ),
			'urls'        => array(
				'self'       => rest_url( 'tribe/events/v1/categories/' . $term->term_id ),
				'collection' => rest_url( 'tribe/events/v1/categories' ),
			),
		);
	}
	return $out;
}

/** `array_map( 'reset', get_post_custom( $id ) )` as TEC writes it: the first value per key. */
function wpmigrate_test_tec_meta( $post_id ) {
	$meta = array();
	foreach ( get_post_custom( $post_id ) as $key => $values ) {
		$meta[ $key ] = $values[0];
	}
	return $meta;
}

/** Post_Repository::get_venue_data(): empty strings filtered out, [] without a venue. */
function wpmigrate_test_tec_venue( $event_id ) {
	$venue = get_post( (int) get_post_meta( $event_id, '_EventVenueID', true ) );
	if ( ! $venue || 'tribe_venue' !== $venue->post_type ) {
		return array();
	}
	$meta = wpmigrate_test_tec_meta( $venue->ID );
	$data = array_filter(
		array(
			'id'           => $venue->ID,
			'author'       => $venue->post_author,
			'date'         => $venue->post_date,
			'date_utc'     => $venue->post_date_gmt,
			'modified'     => $venue->post_modified,
			'modified_utc' => $venue->post_modified_gmt,
			'url'          => get_permalink( $venue->ID ),
			'venue'        => trim( apply_filters( 'the_title', $venue->post_title, $venue->ID ) ),
			'description'  => trim( apply_filters( 'the_content', $venue->post_content ) ),
			'address'      => isset( $meta['_VenueAddress'] ) ? $meta['_VenueAddress'] : '',
			'city'         => isset( $meta['_VenueCity'] ) ? $meta['_VenueCity'] : '',
			'country'      => isset( $meta['_VenueCountry'] ) ? $meta['_VenueCountry'] : '',
			'province'     => isset( $meta['_VenueProvince'] ) ? $meta['_VenueProvince'] : '',
			'zip'          => isset( $meta['_VenueZip'] ) ? $meta['_VenueZip'] : '',
			'phone'        => isset( $meta['_VenuePhone'] ) ? $meta['_VenuePhone'] : '',
			'website'      => isset( $meta['_VenueURL'] ) ? $meta['_VenueURL'] : '',
		)
	);
	$data['show_map']      = true;
	$data['show_map_link'] = true;
	$data['global_id']     = wp_parse_url( home_url(), PHP_URL_HOST ) . '?id=' . $venue->ID;
	return $data;
}

/** Post_Repository::get_event_data(). */
function wpmigrate_test_tec_event( $event_id ) {
	$event = get_post( $event_id );
	$meta  = wpmigrate_test_tec_meta( $event_id );
	$get   = function ( $key, $default = '' ) use ( $meta ) {
		return isset( $meta[ $key ] ) ? $meta[ $key ] : $default;
	};
	$cost  = trim( (string) $get( '_EventCost' ) );
	return array(
		'id'                     => $event_id,
		'global_id'              => wp_parse_url( home_url(), PHP_URL_HOST ) . '?id=' . $event_id,
		'global_id_lineage'      => array( wp_parse_url( home_url(), PHP_URL_HOST ) . '?id=' . $event_id ),
		'author'                 => $event->post_author,
		'status'                 => $event->post_status,
		'date'                   => $event->post_date,
		'date_utc'               => $event->post_date_gmt,
		'modified'               => $event->post_modified,
		'modified_utc'           => $event->post_modified_gmt,
		'url'                    => get_permalink( $event_id ),
		'rest_url'               => rest_url( 'tribe/events/v1/events/' . $event_id ),
		'title'                  => trim( apply_filters( 'the_title', $event->post_title, $event_id ) ),
		'description'            => trim( apply_filters( 'the_content', $event->post_content ) ),
		'excerpt'                => trim( apply_filters( 'the_excerpt', $event->post_excerpt ) ),
		'slug'                   => $event->post_name,
		'image'                  => false,
		'all_day'                => 'yes' === $get( '_EventAllDay' ),
		'start_date'             => $get( '_EventStartDate' ),
		'start_date_details'     => wpmigrate_test_tec_date_details( $get( '_EventStartDate' ) ),
		'end_date'               => $get( '_EventEndDate' ),
		'end_date_details'       => wpmigrate_test_tec_date_details( $get( '_EventEndDate' ) ),
		'utc_start_date'         => $get( '_EventStartDateUTC' ),
		'utc_start_date_details' => wpmigrate_test_tec_date_details( $get( '_EventStartDateUTC' ) ),
		'utc_end_date'           => $get( '_EventEndDateUTC' ),
		'utc_end_date_details'   => wpmigrate_test_tec_date_details( $get( '_EventEndDateUTC' ) ),
		'timezone'               => $get( '_EventTimezone' ),
		'timezone_abbr'          => $get( '_EventTimezoneAbbr' ),
		'cost'                   => wpmigrate_test_tec_cost( $event_id ),
		'cost_details'           => array(
			'currency_symbol'   => $get( '_EventCurrencySymbol' ),
			'currency_position' => $get( '_EventCurrencyPosition' ),
			'values'            => '' === $cost ? array() : array( $cost ),
		),
		'website'                => isset( $meta['_EventURL'] ) ? esc_html( $meta['_EventURL'] ) : get_permalink( $event_id ),
		'show_map'               => (bool) $get( '_EventShowMap', true ),
		'show_map_link'          => (bool) $get( '_EventShowMapLink', true ),
		'hide_from_listings'     => 'yes' === $get( '_EventHideFromUpcoming' ),
		'sticky'                 => -1 === (int) $event->menu_order,
		'featured'               => '1' === (string) $get( '_tribe_featured' ),
		'categories'             => wpmigrate_test_tec_terms( $event_id, 'tribe_events_cat' ),
		'tags'                   => wpmigrate_test_tec_terms( $event_id, 'post_tag' ),
		'venue'                  => wpmigrate_test_tec_venue( $event_id ),
		'organizer'              => array(),
	);
}

/* ------------------------------------------------------------------------- */
/* All-in-One Event Calendar: the iCal export                                 */
/* ------------------------------------------------------------------------- */

/** iCalendar TEXT escaping (RFC 5545 3.3.11), as iCalcreator writes it. */
function wpmigrate_test_ical_text( $text ) {
	$text = str_replace( array( "\r\n", "\r" ), "\n", trim( (string) $text ) );
	return strtr(
		$text,
		array(
			'\\' => '\\\\',
			';'  => '\\;',
			','  => '\\,',
			"\n" => '\\n',
		)
	);
}

/** One content line, folded at 75 octets without splitting a UTF-8 character. */
function wpmigrate_test_ical_line( $line ) {
	$out   = '';
	$limit = 75;
	while ( strlen( $line ) > $limit ) {
		$cut = $limit;
		while ( $cut > 0 && ( ord( $line[ $cut ] ) & 0xC0 ) === 0x80 ) {
			--$cut;
		}
		$out  .= substr( $line, 0, $cut ) . "\r\n";
		$line  = ' ' . substr( $line, $cut );
		$limit = 75;
	}
	return $out . $line . "\r\n";
}

/** A VTIMEZONE with the zone's transitions between two timestamps (iCalcreator::createTimezone). */
function wpmigrate_test_ical_vtimezone( $tzid, $from, $to ) {
	$zone  = new DateTimeZone( $tzid );
	$lines = array( 'BEGIN:VTIMEZONE', 'TZID:' . $tzid, 'X-LIC-LOCATION:' . $tzid );
	$prev  = null;
	$fmt   = function ( $seconds ) {
		$sign = $seconds < 0 ? '-' : '+';
		$abs  = abs( $seconds );
		return $sign . sprintf( '%02d%02d', intdiv( $abs, 3600 ), intdiv( $abs % 3600, 60 ) );
	};
	foreach ( $zone->getTransitions( $from, $to ) as $i => $t ) {
		if ( 0 === $i ) {
			$prev = $t['offset'];
			continue;
		}
		$kind  = $t['isdst'] ? 'DAYLIGHT' : 'STANDARD';
		$local = gmdate( 'Ymd\THis', $t['ts'] + $prev );
		array_push( $lines, 'BEGIN:' . $kind, 'DTSTART:' . $local, 'TZOFFSETFROM:' . $fmt( $prev ), 'TZOFFSETTO:' . $fmt( $t['offset'] ), 'TZNAME:' . $t['abbr'], 'END:' . $kind );
		$prev = $t['offset'];
	}
	$lines[] = 'END:VTIMEZONE';
	return $lines;
}

function wpmigrate_test_ai1ec_export() {
	global $wpdb;
	$table     = $wpdb->prefix . 'ai1ec_events';
	$instances = $wpdb->prefix . 'ai1ec_event_instances';
	$now       = wpmigrate_test_events_now();
	$post_ids  = isset( $_GET['ai1ec_post_ids'] ) ? array_filter( array_map( 'intval', explode( ',', wp_unslash( $_GET['ai1ec_post_ids'] ) ) ) ) : array();
	// lib/command/export-events.php: three years back with post ids, else from yesterday.
	$from  = $post_ids ? strtotime( '-3 years', $now ) : $now - DAY_IN_SECONDS;
	$to    = strtotime( '+3 years', $now );
	$where = $post_ids ? ' AND e.post_id IN (' . implode( ',', $post_ids ) . ')' : '';
	$rows  = $wpdb->get_results(
		$wpdb->prepare(
			"SELECT e.* FROM {$table} e JOIN {$wpdb->posts} p ON p.ID = e.post_id
			WHERE p.post_status = 'publish' {$where}
			AND EXISTS ( SELECT 1 FROM {$instances} i WHERE i.post_id = e.post_id AND i.end >= %d AND i.start <= %d )
			ORDER BY e.start, e.post_id",
			$from,
			$to
		)
	);
	$tz    = get_option( 'timezone_string' );
	$home  = wp_parse_url( home_url() );
	$lines = array(
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//' . $home['host'] . '//NONSGML kigkonsult.se iCalcreator 2.20//',
		'CALSCALE:GREGORIAN',
		'METHOD:PUBLISH',
		'X-WR-CALNAME:' . wpmigrate_test_ical_text( get_bloginfo( 'name' ) ),
		'X-WR-CALDESC:' . wpmigrate_test_ical_text( get_bloginfo( 'description' ) ),
		'X-FROM-URL;VALUE=URI:' . home_url(),
		'X-WR-TIMEZONE:' . $tz,
	);
	if ( $rows ) {
		$first = min( wp_list_pluck( $rows, 'start' ) );
		$last  = max( wp_list_pluck( $rows, 'end' ) );
		$lines = array_merge( $lines, wpmigrate_test_ical_vtimezone( $tz, $first - YEAR_IN_SECONDS, $last + YEAR_IN_SECONDS ) );
	}
	foreach ( $rows as $row ) {
		$post  = get_post( $row->post_id );
		$zone  = new DateTimeZone( $row->timezone_name ? $row->timezone_name : $tz );
		$start = ( new DateTimeImmutable( '@' . $row->start ) )->setTimezone( $zone );
		$end   = ( new DateTimeImmutable( '@' . $row->end ) )->setTimezone( $zone );
		$uid   = $row->ical_uid ? $row->ical_uid : 'ai1ec-' . $row->post_id . '@' . $home['host'] . ( isset( $home['path'] ) ? $home['path'] : '' );
		$text  = html_entity_decode( apply_filters( 'the_content', $post->post_content ), ENT_QUOTES, 'UTF-8' );
		$event = array(
			'BEGIN:VEVENT',
			'UID:' . wpmigrate_test_ical_text( $uid ),
			'DTSTAMP:' . gmdate( 'Ymd\THis\Z', $now ),
			'URL;VALUE=URI:' . get_permalink( $post ),
			'SUMMARY:' . wpmigrate_test_ical_text( html_entity_decode( apply_filters( 'the_title', $post->post_title, $post->ID ), ENT_QUOTES, 'UTF-8' ) ),
			'DESCRIPTION:' . wpmigrate_test_ical_text( $text ),
			'SEQUENCE:0',
		);
		if ( $row->allday ) {
			$event[] = 'DTSTART;VALUE=DATE:' . $start->format( 'Ymd' );
			$event[] = 'DTEND;VALUE=DATE:' . $end->format( 'Ymd' );
		} else {
			$event[] = 'DTSTART;TZID=' . $zone->getName() . ':' . $start->format( 'Ymd\THis' );
			if ( ! $row->instant_event ) {
				$event[] = 'DTEND;TZID=' . $zone->getName() . ':' . $end->format( 'Ymd\THis' );
			}
		}
		$location = implode( ' @ ', array_filter( array( $row->venue, $row->address ) ) );
		if ( '' !== $location ) {
			$event[] = 'LOCATION:' . wpmigrate_test_ical_text( $location );
		}
		if ( $row->cost ) {
			$event[] = 'X-COST:' . wpmigrate_test_ical_text( $row->cost );
		}
		if ( $row->ticket_url ) {
			$event[] = 'X-TICKETS-URL:' . wpmigrate_test_ical_text( $row->ticket_url );
		}
		$contact = implode( '; ', array_filter( array( $row->contact_name, $row->contact_phone, $row->contact_email, $row->contact_url ) ) );
		if ( '' !== $contact ) {
			$event[] = 'CONTACT:' . wpmigrate_test_ical_text( $contact );
		}
		if ( $row->recurrence_rules ) {
			$event[] = 'RRULE:' . $row->recurrence_rules;
		}
		if ( $row->exception_dates ) {
			$event[] = 'EXDATE;TZID=' . $zone->getName() . ':' . $row->exception_dates;
		}
		$event[] = 'END:VEVENT';
		$lines   = array_merge( $lines, $event );
	}
	$lines[] = 'END:VCALENDAR';
	return implode( '', array_map( 'wpmigrate_test_ical_line', $lines ) );
}

add_action(
	'init',
	function () {
		if ( ! wpmigrate_test_events_active() || ! isset( $_GET['plugin'], $_GET['controller'], $_GET['action'] ) ) {
			return;
		}
		if ( 'all-in-one-event-calendar' !== $_GET['plugin'] || 'ai1ec_exporter_controller' !== $_GET['controller'] || 'export_events' !== $_GET['action'] ) {
			return;
		}
		while ( ob_get_level() ) {
			ob_end_clean();
		}
		header( 'Content-type: text/calendar; charset=utf-8' );
		echo wpmigrate_test_ai1ec_export(); // phpcs:ignore WordPress.Security.EscapeOutput
		exit;
	},
	100
);
