<?php
/**
 * Plugin Name: wpmigrate test fixtures
 * Description: Content model of the wpmigrate test site (publications, taxonomies,
 *              ACF-style fields, REST-off switch). Installed by tests/wordpress/harness.py.
 *
 * Everything here is test scaffolding written for wpmigrate; it simulates what
 * typical plugins (a custom post type plugin, ACF, an analytics plugin) leave
 * behind on a real site.
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Option that switches anonymous REST access off (see wpmigrate_test_block_rest()). */
const WPMIGRATE_TEST_REST_OPTION = 'wpmigrate_test_rest_disabled';

/**
 * ACF-style field definitions. Keys mimic ACF's `field_` + 13 hex chars.
 * 'group' => [ key, title, location post types, fields ].
 */
function wpmigrate_test_acf_groups() {
	return array(
		array(
			'key'       => 'group_64f0a1b2c3d4e',
			'title'     => 'Publication details',
			'slug'      => 'publication-details',
			'post_type' => array( 'publication' ),
			'fields'    => array(
				array(
					'key'           => 'field_64f0a1b2c3d51',
					'label'         => 'Report PDF',
					'name'          => 'report_pdf',
					'type'          => 'file',
					'return_format' => 'array',
					'library'       => 'all',
					'mime_types'    => 'pdf',
				),
				array(
					'key'            => 'field_64f0a1b2c3d52',
					'label'          => 'Publication date',
					'name'           => 'publication_date',
					'type'           => 'date_picker',
					'display_format' => 'd/m/Y',
					'return_format'  => 'd/m/Y',
					'first_day'      => 1,
				),
				array(
					'key'           => 'field_64f0a1b2c3d53',
					'label'         => 'Featured report',
					'name'          => 'featured_report',
					'type'          => 'true_false',
					'default_value' => 0,
					'ui'            => 1,
				),
				array(
					'key'         => 'field_64f0a1b2c3d54',
					'label'       => 'Authors',
					'name'        => 'authors_list',
					'type'        => 'text',
					'placeholder' => 'Surname, Name; Surname, Name',
				),
				array(
					'key'        => 'field_64f0a1b2c3d55',
					'label'      => 'Partners',
					'name'       => 'partners',
					'type'       => 'repeater',
					'layout'     => 'table',
					'min'        => 0,
					'max'        => 0,
					'sub_fields' => array(
						array(
							'key'   => 'field_64f0a1b2c3d56',
							'label' => 'Partner name',
							'name'  => 'name',
							'type'  => 'text',
						),
						array(
							'key'   => 'field_64f0a1b2c3d57',
							'label' => 'Partner website',
							'name'  => 'url',
							'type'  => 'url',
						),
					),
				),
			),
		),
		array(
			'key'       => 'group_64f0a1b2c3d5f',
			'title'     => 'Article extras',
			'slug'      => 'article-extras',
			'post_type' => array( 'post' ),
			'fields'    => array(
				array(
					'key'   => 'field_64f0a1b2c3d61',
					'label' => 'Subtitle',
					'name'  => 'subtitle',
					'type'  => 'text',
				),
			),
		),
	);
}

/** The ACF field definitions that apply to one post type (flattened to top level). */
function wpmigrate_test_acf_fields_for( $post_type ) {
	$fields = array();
	foreach ( wpmigrate_test_acf_groups() as $group ) {
		if ( in_array( $post_type, $group['post_type'], true ) ) {
			foreach ( $group['fields'] as $field ) {
				$fields[] = $field;
			}
		}
	}
	return $fields;
}

/** Store one value the way acf_update_value() does: `name` = value, `_name` = field key. */
function wpmigrate_test_acf_update( $post_id, $field, $value ) {
	$name = $field['name'];
	if ( 'repeater' === $field['type'] ) {
		$rows = is_array( $value ) ? array_values( $value ) : array();
		update_post_meta( $post_id, $name, (string) count( $rows ) );
		update_post_meta( $post_id, '_' . $name, $field['key'] );
		foreach ( $rows as $i => $row ) {
			foreach ( $field['sub_fields'] as $sub ) {
				$meta = $name . '_' . $i . '_' . $sub['name'];
				update_post_meta( $post_id, $meta, isset( $row[ $sub['name'] ] ) ? (string) $row[ $sub['name'] ] : '' );
				update_post_meta( $post_id, '_' . $meta, $sub['key'] );
			}
		}
		return;
	}
	if ( 'true_false' === $field['type'] ) {
		$value = $value ? '1' : '0';
	}
	update_post_meta( $post_id, $name, (string) $value );
	update_post_meta( $post_id, '_' . $name, $field['key'] );
}

/** Set ACF values by field name for a post. */
function wpmigrate_test_acf_set( $post_id, array $values ) {
	$fields = wpmigrate_test_acf_fields_for( get_post_type( $post_id ) );
	foreach ( $fields as $field ) {
		if ( array_key_exists( $field['name'], $values ) ) {
			wpmigrate_test_acf_update( $post_id, $field, $values[ $field['name'] ] );
		}
	}
}

/** Read one value back in ACF's "light" REST format. */
function wpmigrate_test_acf_rest_value( $post_id, $field ) {
	$name = $field['name'];
	if ( ! metadata_exists( 'post', $post_id, $name ) ) {
		return 'true_false' === $field['type'] ? false : null;
	}
	$raw = get_post_meta( $post_id, $name, true );
	switch ( $field['type'] ) {
		case 'file':
		case 'image':
			return '' === $raw ? null : (int) $raw;
		case 'true_false':
			return (bool) $raw;
		case 'date_picker':
		case 'text':
		case 'url':
			return '' === $raw ? null : (string) $raw;
		case 'repeater':
			$count = (int) $raw;
			if ( $count < 1 ) {
				return null;
			}
			$rows = array();
			for ( $i = 0; $i < $count; $i++ ) {
				$row = array();
				foreach ( $field['sub_fields'] as $sub ) {
					$value              = get_post_meta( $post_id, $name . '_' . $i . '_' . $sub['name'], true );
					$row[ $sub['name'] ] = '' === $value ? null : $value;
				}
				$rows[] = $row;
			}
			return $rows;
	}
	return $raw;
}

/** REST `acf` field: like ACF 5.11+, `[]` when no group applies, else an object. */
function wpmigrate_test_acf_rest_get( $object ) {
	// With ?_fields=acf the prepared object holds neither id nor type: use the loop's post.
	$post_id = isset( $object['id'] ) ? (int) $object['id'] : get_the_ID();
	$fields  = $post_id ? wpmigrate_test_acf_fields_for( get_post_type( $post_id ) ) : array();
	if ( ! $fields ) {
		return array();
	}
	$out = array();
	foreach ( $fields as $field ) {
		$out[ $field['name'] ] = wpmigrate_test_acf_rest_value( $post_id, $field );
	}
	return $out;
}

add_action(
	'init',
	function () {
		register_post_type(
			'publication',
			array(
				'labels'       => array(
					'name'          => 'Publications',
					'singular_name' => 'Publication',
					'add_new_item'  => 'Add New Publication',
					'edit_item'     => 'Edit Publication',
				),
				'description'  => 'Reports, briefings and policy papers.',
				'public'       => true,
				'show_in_rest' => true,
				'rest_base'    => 'publications',
				'has_archive'  => true,
				'menu_icon'    => 'dashicons-book',
				'rewrite'      => array(
					'slug'       => 'publications',
					'with_front' => false,
				),
				'supports'     => array( 'title', 'editor', 'excerpt', 'author', 'thumbnail', 'comments', 'custom-fields', 'revisions' ),
				'taxonomies'   => array( 'resource_type', 'region' ),
			)
		);

		register_taxonomy(
			'resource_type',
			array( 'publication' ),
			array(
				'labels'            => array(
					'name'          => 'Resource types',
					'singular_name' => 'Resource type',
				),
				'description'       => 'Kind of publication.',
				'hierarchical'      => true,
				'public'            => true,
				'show_in_rest'      => true,
				'show_admin_column' => true,
				'rewrite'           => array( 'slug' => 'resource-type' ),
			)
		);

		register_taxonomy(
			'region',
			array( 'publication', 'post' ),
			array(
				'labels'       => array(
					'name'          => 'Regions',
					'singular_name' => 'Region',
				),
				'description'  => 'Geographic focus.',
				'hierarchical' => false,
				'public'       => true,
				'show_in_rest' => true,
				'rewrite'      => array( 'slug' => 'region' ),
			)
		);

		// An analytics plugin's internal notes: exported by WXR, never public.
		register_post_type(
			'exactmetrics_note',
			array(
				'label'        => 'Site notes',
				'public'       => false,
				'show_ui'      => false,
				'show_in_rest' => false,
				'rewrite'      => false,
				'query_var'    => false,
				'supports'     => array( 'title', 'editor', 'author' ),
			)
		);

		// ACF's own definition post types (as registered by acf.php), so that WXR
		// exports carry the field definitions like on a site running ACF.
		if ( ! post_type_exists( 'acf-field-group' ) ) {
			register_post_type(
				'acf-field-group',
				array(
					'label'           => 'Field Groups',
					'public'          => false,
					'hierarchical'    => true,
					'show_ui'         => false,
					'capability_type' => 'post',
					'supports'        => array( 'title' ),
					'rewrite'         => false,
					'query_var'       => false,
				)
			);
			register_post_type(
				'acf-field',
				array(
					'label'           => 'Fields',
					'public'          => false,
					'hierarchical'    => true,
					'show_ui'         => false,
					'capability_type' => 'post',
					'supports'        => array( 'title' ),
					'rewrite'         => false,
					'query_var'       => false,
				)
			);
		}
	},
	5
);

add_action(
	'rest_api_init',
	function () {
		register_rest_field(
			array( 'publication', 'post', 'page' ),
			'acf',
			array(
				'get_callback' => 'wpmigrate_test_acf_rest_get',
				'schema'       => array(
					'description' => 'ACF field values.',
					'type'        => 'object',
					'context'     => array( 'view', 'edit', 'embed' ),
				),
			)
		);
	}
);

/** Read-more link appended to generated excerpts (themes may override it). */
add_filter(
	'excerpt_more',
	function () {
		return ' &hellip; <a class="more-link" href="' . esc_url( get_permalink() ) . '">Read More</a>';
	}
);

/** REST-off mode: anonymous REST requests get 401 rest_cannot_access. */
function wpmigrate_test_block_rest( $result ) {
	if ( ! empty( $result ) ) {
		return $result;
	}
	if ( get_option( WPMIGRATE_TEST_REST_OPTION ) && ! is_user_logged_in() ) {
		return new WP_Error(
			'rest_cannot_access',
			'Only authenticated users can access the REST API.',
			array( 'status' => rest_authorization_required_code() )
		);
	}
	return $result;
}
add_filter( 'rest_authentication_errors', 'wpmigrate_test_block_rest', 99 );

// Application passwords over plain http on 127.0.0.1.
add_filter( 'wp_is_application_passwords_available', '__return_true' );

// Never try to send mail from the test site.
add_filter(
	'pre_wp_mail',
	function () {
		return true;
	}
);
