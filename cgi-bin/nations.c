/* nations.c — the Native nations for an admin:
 *
 *   /admin/nations        every nation, its government's town and whether
 *                         the map draws a boundary for it
 *   /admin/nations/{id}   add (or replace) the boundary the nation provides,
 *                         or delete it (asked on a page of its own)
 *
 * A boundary added is not drawn: its nation's data steward consents to it
 * on /steward (steward.c), and may withdraw that consent.  A replaced
 * boundary waits for consent again.  Migration 025, boundary.h. */
#include "boundary.h"
#include "db.h"
#include "decode.h"
#include "geo.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "req.h"

#include <string.h>

#define SOURCE_MAX 200

void nations_page(struct req *r)
{
	page_begin(r, "Native nations");
	html(r, "<p>The map marks each nation at its government's town and draws a boundary only when the nation has"
	        " provided one, an administrator has added it here, and the nation's data steward consents.</p>\n");
	table_begin(r, NULL, "Nations and their boundaries on the map");
	html(r, "<thead><tr><th scope=\"col\">Nation</th><th scope=\"col\">Government's town</th>"
	        "<th scope=\"col\">Boundary</th></tr></thead>\n<tbody>\n");
	sqlite3_stmt *st = db_q(r, "SELECT n.id, n.name, n.seat, b.nation_id IS NOT NULL, b.consent_by IS NOT NULL"
	                           "  FROM nations n LEFT JOIN nation_boundaries b ON b.nation_id = n.id ORDER BY n.name", "");
	while (db_step(r, st))
		html(r, "<tr><th scope=\"row\"><a href=\"/admin/nations/%lld\">%s</a></th><td>%s</td><td>%s</td></tr>\n",
		     db_col_int(st, 0), db_col_text(r, st, 1), db_col_text(r, st, 2),
		     !db_col_int(st, 3) ? "None" : db_col_int(st, 4) ? "Drawn, with the steward's consent"
		                                                      : "Added; waits for the steward's consent");
	html(r, "</tbody>\n");
	table_end(r);
	page_end(r);
}

static const char *nation_name(struct req *r, long long id)
{
	char *name = db_text(r, "SELECT name FROM nations WHERE id = ?", "I", id);
	if (!name)
		req_fail(r, 404, "no such nation");
	return name;
}

static void nation_view(struct req *r, long long id, const struct form_errors *e, const char *text)
{
	const char *name = nation_name(r, id);
	page_begin(r, arena_printf(&r->arena, "%s: its boundary", name));
	const char *msg = req_query(r, "msg");
	if (msg && (!e || !e->n))
		page_notice(r, !strcmp(msg, "deleted") ? "The boundary is deleted: the map marks the nation at its government's town only."
		               : "The boundary is stored. It is drawn once the nation's data steward consents.");
	form_error_summary(r, e);
	boundary_status(r, id);
	int has = db_int(r, 0, "SELECT count(*) FROM nation_boundaries WHERE nation_id = ?", "I", id) > 0;
	const char *self = arena_printf(&r->arena, "/admin/nations/%lld", id);
	html(r, "<h2>%s</h2>\n", has ? "Replace it" : "Add the boundary the nation provides");
	html(r, "<p>A GeoJSON Polygon or MultiPolygon (on its own, as a Feature, or as a FeatureCollection of one"
	        " Feature), longitude then latitude in degrees, every ring closed, up to %d KB and %s positions.%s</p>\n",
	     BOUNDARY_MAX_BYTES / 1024, count_text(r, BOUNDARY_MAX_POINTS),
	     has ? " A new boundary is not drawn until the steward consents to it." : "");
	form_begin_upload(r, self);
	html(r, "<input type=\"hidden\" name=\"action\" value=\"add\">\n");
	const char *err = form_error_for(e, "geojson");
	html(r, "<div class=\"field\"><label for=\"f-file\">Boundary file (GeoJSON)</label>\n"
	        "<input id=\"f-file\" name=\"file\" type=\"file\" accept=\".geojson,.json,application/geo+json,application/json\"");
	html_raw(r, err ? " aria-describedby=\"e-geojson\"></div>\n" : "></div>\n");
	form_textarea(r, e, "geojson", "Or paste its text", text ? text : "", 8, BOUNDARY_MAX_BYTES,
	              "When a file is chosen, it is used instead.");
	form_input(r, e, "source", "Provided by", "text", e && e->n ? req_form(r, "source") : "", "off",
	           "Who in the nation provided it, and when (for example: Tribal GIS office, March 2026).", 1, SOURCE_MAX);
	html(r, "<div class=\"actions\"><button type=\"submit\">%s</button></div>\n",
	     has ? "Check and replace the boundary" : "Check and add the boundary");
	form_end(r);
	if (has) {
		html(r, "<h2>Delete it</h2>\n");
		form_begin(r, self);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"delete\">\n"
		        "<button type=\"submit\" class=\"secondary\">Delete this boundary…</button>\n");
		form_end(r);
	}
	html(r, "<p><a href=\"/admin/nations\">All nations</a></p>\n");
	page_end(r);
}

void nation_page(struct req *r)
{
	nation_view(r, r->ids[0], NULL, NULL);
}

static void nation_add(struct req *r, long long id)
{
	struct form_errors e = {0};
	const char *text = req_form(r, "geojson");
	size_t len = text ? strlen(text) : 0;
	int from_file = 0;
	for (int i = 0; i < r->files.n; i++)
		if (!strcmp(r->files.v[i].field, "file") && r->files.v[i].len) {
			text = r->files.v[i].data;
			len = r->files.v[i].len;
			from_file = 1;
		}
	const char *source = req_form(r, "source");
	if (!source || !*source)
		form_error(&e, "source", "Say who in the nation provided the boundary.");
	else if (utf8_chars(source) > SOURCE_MAX)
		form_error(&e, "source", "Keep “Provided by” to 200 characters.");
	const struct geo_region *g = geo_region();
	struct boundary b;
	const char *why = NULL;
	if (!g)
		why = "The region's outlines could not be read, so no boundary can be checked now.";
	else
		boundary_parse(&r->arena, text ? text : "", len, &g->box, &b, &why);
	if (why)
		form_error(&e, "geojson", from_file && strncmp(why, "The file", 8) ? arena_printf(&r->arena, "The file: %s", why) : why);
	if (e.n) {
		r->status = 422;
		/* The text sent, kept to correct: a file's too, when it is text
		 * of a size the field takes. */
		int keep = text && len <= BOUNDARY_MAX_BYTES && strlen(text) == len;
		nation_view(r, id, &e, keep ? text : NULL);
		return;
	}
	const char *geometry = boundary_geojson(&r->arena, &b);
	db_begin(r);
	nation_name(r, id);
	int replaced = db_int(r, 0, "SELECT count(*) FROM nation_boundaries WHERE nation_id = ?", "I", id) > 0;
	db_exec(r, "INSERT INTO nation_boundaries (nation_id, geometry, source, points, added_by) VALUES (?, ?, ?, ?, ?)"
	           " ON CONFLICT (nation_id) DO UPDATE SET geometry = excluded.geometry, source = excluded.source,"
	           " points = excluded.points, added_by = excluded.added_by, added_at = unixepoch(),"
	           " consent_by = NULL, consent_at = NULL",
	        "IttiI", id, geometry, source, b.npt, r->user->id);
	db_exec(r, "INSERT INTO boundary_changes (nation_id, changed_by, what) VALUES (?, ?, ?)", "IIt", id, r->user->id,
	        replaced ? "replaced" : "added");
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'boundary-add', ?)", "It", r->user->id,
	        arena_printf(&r->arena, "nation %lld: %d polygons, %d positions, from %s", id, b.npolys, b.npt, source));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/admin/nations/%lld?msg=stored", id));
}

static void nation_delete(struct req *r, long long id)
{
	const char *self = arena_printf(&r->arena, "/admin/nations/%lld", id);
	db_begin(r);
	const char *name = nation_name(r, id);
	if (!db_int(r, 0, "SELECT count(*) FROM nation_boundaries WHERE nation_id = ?", "I", id)) {
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "%s?msg=deleted", self));   /* already gone: a retried click */
		return;
	}
	if (!req_form(r, "sure")) {
		db_commit(r);
		static const char *const keep[] = { "action", NULL };
		page_confirm(r, arena_printf(&r->arena, "Delete the boundary of %s?", name),
		             "The map stops drawing it at once (if its steward consents to it) and marks the nation only at"
		             " its government's town. To draw it again, the nation's boundary must be added again and its"
		             " steward must consent again.", self, keep, "Delete the boundary", self);
		return;
	}
	db_exec(r, "DELETE FROM nation_boundaries WHERE nation_id = ?", "I", id);
	db_exec(r, "INSERT INTO boundary_changes (nation_id, changed_by, what) VALUES (?, ?, 'deleted')", "II", id,
	        r->user->id);
	db_exec(r, "INSERT INTO audit (user_id, action, detail) VALUES (?, 'boundary-delete', ?)", "It", r->user->id,
	        arena_printf(&r->arena, "nation %lld", id));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "%s?msg=deleted", self));
}

void nation_submit(struct req *r)
{
	long long id = r->ids[0];
	const char *action = req_form(r, "action");
	if (action && !strcmp(action, "add"))
		nation_add(r, id);
	else if (action && !strcmp(action, "delete"))
		nation_delete(r, id);
	else
		req_fail(r, 400, "unknown action");
}
