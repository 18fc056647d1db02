/* convening.c — /convening: Inspire's annual regional convening.
 *
 * Foundation staff plan the year's convening (/convening, /convening/{year}/edit)
 * and its sessions; leaders, staff and intermediary staff register a party
 * on the event's page (/convening/{year}) and follow it on its own page
 * (/convening/{year}/parties/{id}); on the day, staff check people in
 * (/convening/{year}/checkin) and print badges and a sign-in sheet.  The
 * ledger of places, the waitlist and the mail are convene.c.
 *
 * A party's school reaches staff only as the visibility policy lets them
 * see it: on every page, export and count here.
 */
#include "convening.h"
#include "csv.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "layout.h"
#include "money.h"
#include "policy.h"
#include "region.h"
#include "req.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TEXT_MAX 2000
#define NEED_MAX 500
#define HIDDEN_SCHOOL "A school whose nation keeps its name private"

static int staff(struct req *r)
{
	return (r->user->role & (ROLE_ADMIN | ROLE_STAFF)) != 0;
}

static int may_register(struct req *r)
{
	return (r->user->role & (ROLE_ADMIN | ROLE_STAFF | ROLE_INTERMEDIARY | ROLE_LEADER)) != 0;
}

static const char *form_or(struct req *r, const char *name, const char *dflt)
{
	const char *v = req_form(r, name);
	return v ? v : dflt;
}

static void load_or_404(struct req *r, struct convening *c)
{
	if (r->ids[0] > 2100 || !convening_load(r, (int)r->ids[0], c))
		req_fail(r, 404, "no convening that year");
}

/* A party's school as the viewer may read it ("" when none). */
static const char *school_for(struct req *r, long long school)
{
	if (!school)
		return "";
	if (policy_school(r, school) == VIS_HIDDEN)
		return HIDDEN_SCHOOL;
	return db_text(r, "SELECT name || ' (' || city || ', ' || state_code || ')' FROM schools WHERE id = ?", "I", school);
}

static long number_in(const char *s, long lo, long hi)
{
	char *end = NULL;
	long v = s && *s ? strtol(s, &end, 10) : lo - 1;
	return s && *s && !*end && v >= lo && v <= hi ? v : lo - 1;
}

static int time_valid(const char *t)
{
	return t && strlen(t) == 5 && t[2] == ':' && t[0] >= '0' && t[0] <= '2' && t[1] >= '0' && t[1] <= '9' &&
	       t[3] >= '0' && t[3] <= '5' && t[4] >= '0' && t[4] <= '9' && atoi(t) < 24;
}

static void places_text(struct req *r, int capacity, int held)
{
	int left = capacity - held;
	html(r, "%s", left > 0 ? arena_printf(&r->arena, "%d of %d left", left, capacity)
	                       : arena_printf(&r->arena, "All %d taken: a waitlist is open", capacity));
}

/* ---- the event's form (staff) ------------------------------------------- */

/* Read and check the event's fields into c; errors into e. */
/* A required text field: empty, or too long, each said as such (an empty
 * title was answered "at most 200 characters", which says nothing of it).
 * Returns whether it was refused. */
static int text_required(struct req *r, struct form_errors *e, const char *field, const char *value,
                         const char *what, size_t max)
{
	const char *v = value;
	while (*v == ' ')
		v++;
	if (!*v)
		form_error(e, field, arena_printf(&r->arena, "Enter %s.", what));
	else if (utf8_chars(value) > max)
		form_error(e, field, arena_printf(&r->arena, "Shorten %s to %zu characters (it has %zu).", what, max,
		                                  utf8_chars(value)));
	else
		return 0;
	return 1;
}

static void event_read(struct req *r, struct form_errors *e, struct convening *c, int with_year)
{
	const char *year = req_form(r, "year");
	if (with_year) {
		c->year = (int)number_in(year, 2000, 2100);
		if (c->year < 2000)
			form_error(e, "year", "Enter the year, like 2026.");
		else if (db_int(r, 0, "SELECT 1 FROM convenings WHERE year = ?", "i", c->year))
			form_error(e, "year", "That year already has a convening: edit it from its page.");
	}
	c->title = form_or(r, "title", "");
	c->place = form_or(r, "place", "");
	c->address = form_or(r, "address", "");
	c->about = form_or(r, "about", "");
	c->tz = form_or(r, "tz", "");
	c->first_day = form_or(r, "first_day", "");
	c->last_day = form_or(r, "last_day", "");
	c->day_start = form_or(r, "day_start", "");
	c->day_end = form_or(r, "day_end", "");
	c->opens_on = form_or(r, "opens_on", "");
	c->closes_on = form_or(r, "closes_on", "");
	text_required(r, e, "title", c->title, "the title", LEN_TITLE);
	text_required(r, e, "place", c->place, "the place", LEN_TITLE);
	if (utf8_chars(c->address) > 500)
		form_error(e, "address", "Shorten the address to 500 characters.");
	if (utf8_chars(c->about) > 4000)
		form_error(e, "about", "Shorten the description to 4000 characters.");
	if (!region_valid(region_time_zones, c->tz))
		form_error(e, "tz", "Choose the time zone of the place.");
	if (!date_valid(c->first_day))
		form_error(e, "first_day", "Enter the first day as YYYY-MM-DD.");
	if (!date_valid(c->last_day))
		form_error(e, "last_day", "Enter the last day as YYYY-MM-DD.");
	else if (date_valid(c->first_day) && (date_diff(c->first_day, c->last_day) < 0 ||
	                                      date_diff(c->first_day, c->last_day) > 6))
		form_error(e, "last_day", "The last day is the first day or up to six days after it.");
	if (!time_valid(c->day_start))
		form_error(e, "day_start", "Enter the time each day starts, like 09:00.");
	if (!time_valid(c->day_end) || (time_valid(c->day_start) && strcmp(c->day_end, c->day_start) <= 0))
		form_error(e, "day_end", "Enter the time each day ends, after it starts, like 16:00.");
	c->capacity = (int)number_in(req_form(r, "capacity"), 1, 5000);
	if (c->capacity < 1)
		form_error(e, "capacity", "Enter how many people the place holds, from 1 to 5000.");
	c->offer_hours = (int)number_in(req_form(r, "offer_hours"), 1, 336);
	if (c->offer_hours < 1)
		form_error(e, "offer_hours", "Enter how long an offer from the waitlist is held, from 1 to 336 hours.");
	if (!date_valid(c->opens_on))
		form_error(e, "opens_on", "Enter the day registration opens as YYYY-MM-DD.");
	if (!date_valid(c->closes_on))
		form_error(e, "closes_on", "Enter the day registration closes as YYYY-MM-DD.");
	else if (date_valid(c->opens_on) && strcmp(c->closes_on, c->opens_on) < 0)
		form_error(e, "closes_on", "Registration closes on or after the day it opens.");
	else if (date_valid(c->last_day) && strcmp(c->closes_on, c->last_day) > 0)
		form_error(e, "closes_on", "Registration closes by the last day of the convening.");
	long long start, end;
	if (!e->n && !convening_span(c, &start, &end))
		form_error(e, "day_start", "That time does not exist there on the first day (clocks skip an hour): choose"
		                           " another.");
}

static void event_form(struct req *r, const struct form_errors *e, const struct convening *c, int create)
{
	form_error_summary(r, e);
	if (create)
		form_begin_create(r, "/convening");
	else
		form_begin(r, arena_printf(&r->arena, "/convening/%d/edit", c->year));
	const char *cap = c ? arena_printf(&r->arena, "%d", c->capacity) : "";
	const char *hours = c ? arena_printf(&r->arena, "%d", c->offer_hours) : "48";
	if (create)
		form_input(r, e, "year", "Year", "number", form_or(r, "year", ""), "off", NULL, 1, 0);
	form_input(r, e, "title", "Title", "text", form_or(r, "title", c ? c->title : ""), "off", NULL, 1, LEN_TITLE);
	form_textarea(r, e, "about", "What it is about (optional)", form_or(r, "about", c ? c->about : ""), 3, 4000,
	              "Sent with every invitation.");
	form_input(r, e, "place", "Place", "text", form_or(r, "place", c ? c->place : ""), "off",
	           "The venue, like Bemidji State University.", 1, LEN_TITLE);
	form_input(r, e, "address", "Address (optional)", "text", form_or(r, "address", c ? c->address : ""),
	           "off", NULL, 0, 500);
	form_select(r, e, "tz", "Time zone of the place", region_time_zones,
	            form_or(r, "tz", c ? c->tz : "America/Chicago"), "Dates and times are in this zone.");
	form_input(r, e, "first_day", "First day", "date", form_or(r, "first_day", c ? c->first_day : ""), "off", NULL, 1, 0);
	form_input(r, e, "last_day", "Last day", "date", form_or(r, "last_day", c ? c->last_day : ""), "off",
	           "The same as the first day for a one-day event; at most a week.", 1, 0);
	form_input(r, e, "day_start", "Each day starts at", "time", form_or(r, "day_start", c ? c->day_start : "09:00"),
	           "off", "24-hour, like 09:00.", 1, 0);
	form_input(r, e, "day_end", "Each day ends at", "time", form_or(r, "day_end", c ? c->day_end : "16:00"), "off",
	           NULL, 1, 0);
	form_input(r, e, "capacity", "Capacity (people)", "number", form_or(r, "capacity", cap), "off",
	           "Every person in a party counts.", 1, 0);
	form_input(r, e, "opens_on", "Registration opens on", "date", form_or(r, "opens_on", c ? c->opens_on : ""), "off",
	           NULL, 1, 0);
	form_input(r, e, "closes_on", "Registration closes on", "date", form_or(r, "closes_on", c ? c->closes_on : ""),
	           "off", "Registration is open through this day.", 1, 0);
	form_input(r, e, "offer_hours", "Hours a waitlist offer is held", "number", form_or(r, "offer_hours", hours), "off",
	           "When places free up, the first waiting party that fits has this long to take them.", 1, 0);
	html(r, "<button type=\"submit\">%s</button>\n", create ? "Create the convening" : "Save changes");
	form_end(r);
}

/* ---- /convening ----------------------------------------------------------- */

static void list_view(struct req *r, const struct form_errors *e)
{
	page_begin(r, "Regional convening");
	html(r, "<p>Once a year, leaders, foundation staff and intermediaries from across the region meet to learn from"
	        " each other.</p>\n");
	sqlite3_stmt *st = db_q(r, "SELECT year, title, first_day, last_day, place, capacity, held FROM convenings"
	                           " ORDER BY year DESC", "");
	table_begin(r, NULL, "Convenings, the latest first");
	html(r, "<thead><tr><th scope=\"col\">Year</th><th scope=\"col\">Title</th><th scope=\"col\">Dates</th>"
	        "<th scope=\"col\">Place</th><th scope=\"col\">Places</th></tr></thead>\n<tbody>\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		int year = (int)db_col_int(st, 0);
		html(r, "<tr><td><a href=\"/convening/%d\">%d</a></td><td>%s</td><td>%s to %s</td><td>%s</td><td>", year, year,
		     db_col_text(r, st, 1), db_col_text(r, st, 2), db_col_text(r, st, 3), db_col_text(r, st, 4));
		places_text(r, (int)db_col_int(st, 5), (int)db_col_int(st, 6));
		html(r, "</td></tr>\n");
	}
	if (!n)
		html(r, "<tr><td colspan=\"5\">No convening is planned yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	if (staff(r)) {
		html(r, "<h2 id=\"plan\">Plan a convening</h2>\n");
		event_form(r, e, NULL, 1);
	}
	page_end(r);
}

void convening_list_page(struct req *r)
{
	list_view(r, NULL);
}

void convening_create_submit(struct req *r)
{
	struct form_errors e = {0};
	struct convening c = {0};
	event_read(r, &e, &c, 1);
	if (e.n) {
		r->status = 422;
		list_view(r, &e);
		return;
	}
	db_begin(r);
	int rc = db_try(r, "INSERT INTO convenings (year, title, place, address, tz, first_day, last_day, day_start, day_end,"
	                   " capacity, opens_on, closes_on, offer_hours, about, created_by)"
	                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                "itttttttti" "ttitI", c.year, c.title, c.place, c.address, c.tz, c.first_day, c.last_day, c.day_start,
	                c.day_end, c.capacity, c.opens_on, c.closes_on, c.offer_hours, c.about, r->user->id);
	if (rc == SQLITE_CONSTRAINT) {
		db_request_done(r->db);
		form_error(&e, "year", "That year already has a convening: edit it from its page.");
		r->status = 409;
		list_view(r, &e);
		return;
	}
	if (rc != SQLITE_DONE)
		req_fail(r, db_error_status(rc), "convening insert failed");
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/convening/%d?msg=created", c.year));
}

/* ---- /convening/{year} ------------------------------------------------------ */

static void facts(struct req *r, const struct convening *c)
{
	char today[11];
	convening_today(c, today);
	html(r, "<dl class=\"facts\">\n<dt>When</dt><dd>%s</dd>\n<dt>Where</dt><dd>%s%s%s</dd>\n<dt>Places</dt><dd>",
	     convening_when(r, c), c->place, *c->address ? ", " : "", c->address);
	places_text(r, c->capacity, c->held);
	html(r, "</dd>\n<dt>Registration</dt><dd>%s</dd>\n",
	     convening_open_on(c, today) ? arena_printf(&r->arena, "Open until %s", c->closes_on)
	     : strcmp(today, c->opens_on) < 0 ? arena_printf(&r->arena, "Opens on %s", c->opens_on)
	                                      : "Closed");
	if (*c->about)
		html(r, "<dt>About</dt><dd class=\"pre\">%s</dd>\n", c->about);
	html(r, "</dl>\n");
}

static void sessions_table(struct req *r, const struct convening *c)
{
	sqlite3_stmt *st = db_q(r, "SELECT title, day, starts, minutes, room, capacity, held FROM convening_sessions"
	                           " WHERE convening_id = ? ORDER BY day, starts, id", "I", c->id);
	html(r, "<h2>Sessions</h2>\n");
	table_begin(r, NULL, "Sessions and breakouts, with their own places");
	html(r, "<thead><tr><th scope=\"col\">Session</th><th scope=\"col\">When</th><th scope=\"col\">Room</th>"
	        "<th scope=\"col\">Places</th></tr></thead>\n<tbody>\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		html(r, "<tr><td>%s</td><td>%s %s, %lld min</td><td>%s</td><td>", db_col_text(r, st, 0), db_col_text(r, st, 1),
		     db_col_text(r, st, 2), db_col_int(st, 3), db_col_text(r, st, 4));
		places_text(r, (int)db_col_int(st, 5), (int)db_col_int(st, 6));
		html(r, "</td></tr>\n");
	}
	if (!n)
		html(r, "<tr><td colspan=\"4\">No sessions yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
}

/* The schools a leader may register for. */
static const char **my_schools(struct req *r)
{
	sqlite3_stmt *st = db_q(r, "SELECT s.id, s.name || ' (' || s.city || ', ' || s.state_code || ')', " POLICY_COLUMNS
	                           " FROM schools s JOIN user_schools us ON us.school_id = s.id WHERE us.user_id = ?"
	                           " ORDER BY s.name COLLATE natural_sort", "III", r->user->id, r->user->org_id,
	                        r->user->id);
	struct pairs opts = {0};
	while (db_step(r, st))
		if (policy_row(r, st, 2) != VIS_HIDDEN)
			pairs_add(r, &opts, db_col_text(r, st, 0), db_col_text(r, st, 1));
	return pairs_end(r, &opts);
}

static int in_pairs(const char *const *pairs, const char *v)
{
	for (int i = 0; v && pairs[i]; i += 2)
		if (!strcmp(pairs[i], v))
			return 1;
	return 0;
}

/* The sessions to choose from, as value/label pairs. */
static const char **session_choices(struct req *r, const struct convening *c)
{
	sqlite3_stmt *st = db_q(r, "SELECT id, title, day, starts, room, capacity - held FROM convening_sessions"
	                           " WHERE convening_id = ? ORDER BY day, starts, id", "I", c->id);
	struct pairs opts = {0};
	while (db_step(r, st)) {
		long long left = db_col_int(st, 5);
		const char *room = db_col_view(st, 4);
		pairs_add(r, &opts, db_col_text(r, st, 0),
		          arena_printf(&r->arena, "%s — %s %s%s%s (%s)", db_col_view(st, 1), db_col_view(st, 2),
		                       db_col_view(st, 3), *room ? ", " : "", room,
		                       left > 0 ? arena_printf(&r->arena, "%lld left", left) : "full: waitlist"));
	}
	return pairs_end(r, &opts);
}

/* How many people the form is for: ?people=N (or the form's), 1 to 20. */
static int people_wanted(struct req *r)
{
	long n = number_in(req_param(r, "people"), 1, CONVENING_PARTY_MAX);
	return n < 1 ? 1 : (int)n;
}

static void register_form(struct req *r, const struct convening *c, const struct form_errors *e)
{
	char today[11];
	convening_today(c, today);
	html(r, "<h2 id=\"register\">Register your party</h2>\n");
	if (!convening_open_on(c, today)) {
		html(r, "<p>Registration is %s.</p>\n", strcmp(today, c->opens_on) < 0
		     ? arena_printf(&r->arena, "not open yet: it opens on %s", c->opens_on) : "closed");
		return;
	}
	const char **schools = r->user->role == ROLE_LEADER ? my_schools(r) : NULL;
	if (schools && !schools[0]) {
		html(r, "<p>Leaders register for a school they lead; you have none here.</p>\n");
		return;
	}
	int n = people_wanted(r);
	/* Without scripts: the number of people is chosen first, and the page
	 * comes back with a block for each. */
	html(r, "<form method=\"get\" action=\"/convening/%d#register\" class=\"inline\">\n", c->year);
	html(r, "<div class=\"field\"><label for=\"people-n\">How many people in your party</label>"
	        "<p class=\"hint\" id=\"h-people-n\">From 1 to %d. Each person counts against the places.</p>"
	        "<input id=\"people-n\" name=\"people\" type=\"number\" min=\"1\" max=\"%d\" value=\"%d\""
	        " aria-describedby=\"h-people-n\"></div>\n<button type=\"submit\" class=\"secondary\">Show the form for"
	        " them</button>\n</form>\n", CONVENING_PARTY_MAX, CONVENING_PARTY_MAX, n);
	/* Full: the event, or a session one may choose (then the waitlist is
	 * offered beside the choice). */
	int full = c->capacity - c->held <= 0;
	int some_full = full || db_int(r, 0, "SELECT EXISTS (SELECT 1 FROM convening_sessions WHERE convening_id = ?"
	                                     " AND held >= capacity)", "I", c->id);
	form_error_summary(r, e);
	form_begin_create(r, arena_printf(&r->arena, "/convening/%d/register", c->year));
	html(r, "<input type=\"hidden\" name=\"people\" value=\"%d\">\n", n);
	if (schools)
		form_select(r, e, "school", "For the school", schools, req_param(r, "school"),
		            schools[2] ? "You lead several schools: choose the one this party comes from." : NULL);
	for (int i = 1; i <= n; i++) {
		html(r, "<fieldset class=\"person\"><legend>Person %d</legend>\n", i);
		const char *nm = arena_printf(&r->arena, "name%d", i), *rl = arena_printf(&r->arena, "role%d", i);
		const char *ac = arena_printf(&r->arena, "access%d", i), *dt = arena_printf(&r->arena, "diet%d", i);
		form_input(r, e, nm, "Name", "text", form_or(r, nm, i == 1 ? r->user->name : ""), i == 1 ? "name" : "off",
		           NULL, 1, LEN_PERSON_NAME);
		form_input(r, e, rl, "Role", "text", form_or(r, rl, ""), "organization-title", "Like principal, teacher,"
		           " coach.", 0, LEN_PERSON_NAME);
		form_input(r, e, ac, "Accessibility needs (optional)", "text", form_or(r, ac, ""), "off", NULL, 0, NEED_MAX);
		form_input(r, e, dt, "Dietary needs (optional)", "text", form_or(r, dt, ""), "off", NULL, 0, NEED_MAX);
		html(r, "</fieldset>\n");
	}
	const char **sessions = session_choices(r, c);
	if (sessions[0])
		form_choices(r, e, "session", "Sessions your party will join", sessions, "checkbox",
		             "Each has places of its own; your whole party counts in each.");
	form_textarea(r, e, "note", "A note to the organizers (optional)", req_form(r, "note"), 3, TEXT_MAX, NULL);
	if (some_full || form_error_for(e, "waitlist")) {
		html(r, "<div class=\"field%s\"><div class=\"choice\"><input type=\"checkbox\" id=\"f-waitlist\""
		        " name=\"waitlist\" value=\"1\"%s><label for=\"f-waitlist\">Put us on the waitlist if there is no"
		        " room</label></div>", form_error_for(e, "waitlist") ? " has-error" : "",
		     req_form(r, "waitlist") || full ? " checked" : "");
		if (form_error_for(e, "waitlist"))
			html(r, "<p class=\"error\" id=\"e-waitlist\">%s</p>", form_error_for(e, "waitlist"));
		html(r, "</div>\n<p class=\"hint\">%s When places free up, they are offered to the first waiting party"
		        " that fits, for %d hours, then to the next.</p>\n", full ? "The convening is full." :
		        "A session is full: choosing it puts your party on the waitlist.", c->offer_hours);
	}
	html(r, "<button type=\"submit\">%s</button>\n", full ? "Join the waitlist" : "Register");
	form_end(r);
}

static void staff_links(struct req *r, const struct convening *c)
{
	html(r, "<h2>For foundation staff</h2>\n<ul class=\"links\">\n");
	static const char *const links[] = {
		"edit", "Edit the event and its sessions", "registrations", "Registrations",
		"checkin", "Check-in", "attendance", "Attendance", "badges", "Badges to print",
		"sign-in-sheet", "Sign-in sheet to print", "registrations.csv", "Registrations (CSV)",
		"attendance.csv", "Attendance (CSV)", NULL,
	};
	for (int i = 0; links[i]; i += 2)
		html(r, "<li><a href=\"/convening/%d/%s\">%s</a></li>\n", c->year, links[i], links[i + 1]);
	html(r, "</ul>\n");
}

static void event_view(struct req *r, const struct convening *c, const struct form_errors *e)
{
	page_begin(r, arena_printf(&r->arena, "%s (%d)", c->title, c->year));
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "created"))
		page_notice(r, "Created. Add its sessions on the edit page.");
	facts(r, c);
	sessions_table(r, c);
	long long mine = db_int(r, 0, "SELECT id FROM parties WHERE convening_id = ? AND registered_by = ?"
	                              " AND status <> 'cancelled'", "II", c->id, r->user->id);
	if (mine) {
		struct party p;
		convening_party(r, mine, &p);
		html(r, "<h2>Your party</h2>\n<p>%s: %d %s. <a href=\"/convening/%d/parties/%lld\">See your"
		        " registration</a> (its people, sessions and history; cancel it there)</p>\n", convening_status_label(p.status), p.size, p.size == 1 ? "person" : "people",
		     c->year, p.id);
	} else if (may_register(r)) {
		register_form(r, c, e);
	}
	if (staff(r))
		staff_links(r, c);
	html(r, "<p><a href=\"/convening\">All convenings</a></p>\n");
	page_end(r);
}

void convening_page(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	event_view(r, &c, NULL);
}

/* ---- registering ------------------------------------------------------------- */

void convening_register_submit(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	struct form_errors e = {0};
	long long school = 0;
	if (r->user->role == ROLE_LEADER) {
		const char *s = req_form(r, "school");
		if (!in_pairs(my_schools(r), s))
			form_error(&e, "school", "Choose a school you lead.");
		else
			school = atoll(s);
	}
	int n = (int)number_in(req_form(r, "people"), 1, CONVENING_PARTY_MAX);
	if (n < 1)
		req_fail(r, 400, "bad party size");
	struct party_person *people = arena_zalloc(&r->arena, sizeof *people * (size_t)n);
	for (int i = 0; i < n; i++) {
		const char *nm = arena_printf(&r->arena, "name%d", i + 1), *rl = arena_printf(&r->arena, "role%d", i + 1);
		const char *ac = arena_printf(&r->arena, "access%d", i + 1), *dt = arena_printf(&r->arena, "diet%d", i + 1);
		people[i].name = form_or(r, nm, "");
		people[i].role = form_or(r, rl, "");
		people[i].access = form_or(r, ac, "");
		people[i].diet = form_or(r, dt, "");
		text_required(r, &e, nm, people[i].name, arena_printf(&r->arena, "the name of person %d", i + 1),
		              LEN_PERSON_NAME);
		if (utf8_chars(people[i].role) > LEN_PERSON_NAME)
			form_error(&e, rl, arena_printf(&r->arena, "Shorten the role of person %d to %d characters.", i + 1,
			                                LEN_PERSON_NAME));
		if (utf8_chars(people[i].access) > NEED_MAX)
			form_error(&e, ac, arena_printf(&r->arena, "Shorten the accessibility needs of person %d to %d characters.",
			                                i + 1, NEED_MAX));
		if (utf8_chars(people[i].diet) > NEED_MAX)
			form_error(&e, dt, arena_printf(&r->arena, "Shorten the dietary needs of person %d to %d characters.",
			                                i + 1, NEED_MAX));
	}
	const char *note = form_or(r, "note", "");
	if (utf8_chars(note) > TEXT_MAX)
		form_error(&e, "note", arena_printf(&r->arena, "Shorten the note to %d characters.", TEXT_MAX));
	const char **choices = session_choices(r, &c);
	long long *sessions = arena_alloc(&r->arena, sizeof *sessions * (size_t)(r->form.n + 1));
	int ns = 0;
	for (int i = 0; i < r->form.n; i++)
		if (!strcmp(r->form.v[i].name, "session")) {
			if (!in_pairs(choices, r->form.v[i].value)) {
				form_error(&e, "session", "Choose sessions from the list.");
				break;
			}
			sessions[ns++] = atoll(r->form.v[i].value);
		}
	if (e.n) {
		r->status = 422;
		event_view(r, &c, &e);
		return;
	}
	db_begin(r);
	long long id = 0;
	enum convening_outcome out = convening_register(r, &c, school, people, n, sessions, ns, note,
	                                                req_form(r, "waitlist") != NULL, &id);
	if (out == CONVENING_REGISTERED || out == CONVENING_WAITLISTED) {
		db_commit(r);
		req_redirect(r, arena_printf(&r->arena, "/convening/%d/parties/%lld?msg=%s", c.year, id,
		                             out == CONVENING_REGISTERED ? "registered" : "waitlisted"));
		return;
	}
	db_request_done(r->db);        /* nothing was stored */
	if (out == CONVENING_FULL)
		form_error(&e, "waitlist", "There is no longer room for your party. Tick the box to join the waitlist.");
	else if (out == CONVENING_TWICE)
		form_error(&e, NULL, "You have already registered a party: see it on this page.");
	else
		form_error(&e, NULL, "Registration is not open.");
	convening_load(r, c.year, &c);
	r->status = 409;
	event_view(r, &c, &e);
}

/* ---- /convening/{year}/parties/{id} ------------------------------------------- */

static void party_for(struct req *r, const struct convening *c, struct party *p)
{
	if (!convening_party(r, r->ids[1], p) || p->convening_id != c->id ||
	    (p->registered_by != r->user->id && !staff(r)))
		req_fail(r, 404, "no such party");
}

static void people_table(struct req *r, long long party)
{
	table_begin(r, NULL, "The people in the party");
	html(r, "<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Role</th><th scope=\"col\">Accessibility</th>"
	        "<th scope=\"col\">Diet</th><th scope=\"col\">Checked in</th></tr></thead>\n<tbody>\n");
	sqlite3_stmt *st = db_q(r, "SELECT name, role, access, diet, checked_in_at IS NOT NULL FROM party_people"
	                           " WHERE party_id = ? ORDER BY position", "I", party);
	while (db_step(r, st))
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", db_col_text(r, st, 0),
		     db_col_text(r, st, 1), db_col_text(r, st, 2), db_col_text(r, st, 3), db_col_int(st, 4) ? "Yes" : "No");
	html(r, "</tbody>\n");
	table_end(r);
}

static void party_view(struct req *r, const struct convening *c, const struct party *p)
{
	page_begin(r, "Your convening registration");
	static const char *const notices[] = {
		"registered", "You are registered. A confirmation is on its way by mail, with an invitation for your calendar.",
		"waitlisted", "The convening or a session is full, so your party is on the waitlist. You will hear by mail if"
		              " places free up.",
		"changed", "Done. A mail with the updated invitation is on its way.",
		"cancelled", "Cancelled: the places are freed. Whoever registered the party is told by mail, and the"
		             " mail takes the event off their calendar.", NULL,
	};
	const char *msg = req_query(r, "msg");
	for (int i = 0; msg && notices[i]; i += 2)
		if (!strcmp(msg, notices[i]))
			page_notice(r, notices[i + 1]);
	char until[40] = "";
	if (!strcmp(p->status, "offered"))
		utc_to_local(p->offer_until, c->tz, until, sizeof until);
	html(r, "<p class=\"status\">%s%s%s</p>\n", convening_status_label(p->status),
	     *until ? " — held for you until " : "", until);
	if (!strcmp(p->status, "cancelled") && *p->ended)
		html(r, "<p>Why: %s.</p>\n", !strcmp(p->ended, "you") ? "cancelled by its registrant"
		     : !strcmp(p->ended, "staff") ? "cancelled by foundation staff" : "the offered places were not taken in time");
	html(r, "<dl class=\"facts\">\n<dt>Convening</dt><dd><a href=\"/convening/%d\">%s</a></dd>\n<dt>When</dt><dd>%s</dd>\n"
	        "<dt>Where</dt><dd>%s</dd>\n", c->year, c->title, convening_when(r, c), c->place);
	if (p->school_id)
		html(r, "<dt>School</dt><dd>%s</dd>\n", school_for(r, p->school_id));
	html(r, "<dt>Sessions</dt><dd>");
	sqlite3_stmt *st = db_q(r, "SELECT s.title FROM party_sessions ps JOIN convening_sessions s ON s.id = ps.session_id"
	                           " WHERE ps.party_id = ? ORDER BY s.day, s.starts, s.id", "I", p->id);
	int n = 0;
	while (db_step(r, st))
		html(r, "%s%s", n++ ? "; " : "", db_col_text(r, st, 0));
	html(r, "%s</dd>\n", n ? "" : "None chosen");
	if (*p->note)
		html(r, "<dt>Note</dt><dd class=\"pre\">%s</dd>\n", p->note);
	html(r, "</dl>\n");
	people_table(r, p->id);
	const char *action = arena_printf(&r->arena, "/convening/%d/parties/%lld", c->year, p->id);
	if (!strcmp(p->status, "offered") && p->registered_by == r->user->id) {
		form_begin(r, action);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"accept\"><button type=\"submit\">Take the places"
		        "</button>\n");
		form_end(r);
	}
	if (convening_move_ok(p->status, "cancelled")) {
		form_begin(r, action);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"cancel\"><button type=\"submit\" class=\"secondary\">"
		        "Cancel this registration…</button>\n");
		form_end(r);
	}
	html(r, "<h2>History</h2>\n<ul>\n");
	st = db_q(r, "SELECT at, action, detail FROM party_events WHERE party_id = ? ORDER BY id", "I", p->id);
	while (db_step(r, st)) {
		char when[40];
		utc_to_local(db_col_int(st, 0), c->tz, when, sizeof when);
		const char *detail = db_col_text(r, st, 2);
		html(r, "<li><span class=\"when\">%s</span>: %s%s%s</li>\n", when, db_col_text(r, st, 1), *detail ? " — " : "",
		     detail);
	}
	html(r, "</ul>\n");
	page_end(r);
}

void convening_party_page(struct req *r)
{
	struct convening c;
	struct party p;
	load_or_404(r, &c);
	party_for(r, &c, &p);
	party_view(r, &c, &p);
}

void convening_party_submit(struct req *r)
{
	struct convening c;
	struct party p;
	load_or_404(r, &c);
	party_for(r, &c, &p);
	const char *action = form_or(r, "action", "");
	const char *back = arena_printf(&r->arena, "/convening/%d/parties/%lld", c.year, p.id);
	const char *to, *ended = NULL;
	if (!strcmp(action, "accept") && p.registered_by == r->user->id)
		to = "registered";
	else if (!strcmp(action, "cancel")) {
		to = "cancelled";
		ended = p.registered_by == r->user->id ? "you" : "staff";
	} else
		req_fail(r, 403, "not an action for you");
	if (!strcmp(to, "cancelled") && !req_form(r, "sure")) {
		page_begin(r, "Cancel this registration?");
		html(r, "<p>%s</p>\n", arena_printf(&r->arena, "The %d place%s of this party at %s are freed and offered to the"
		     " waitlist. This cannot be undone: to come after all, register again while there is room.", p.size,
		     p.size == 1 ? "" : "s", c.title));
		form_begin(r, back);
		html(r, "<input type=\"hidden\" name=\"action\" value=\"cancel\"><input type=\"hidden\" name=\"sure\""
		        " value=\"1\">\n<div class=\"actions\"><button type=\"submit\">Cancel the registration</button>"
		        " <a href=\"%s\">Keep it and go back</a></div>\n", back);
		form_end(r);
		page_end(r);
		return;
	}
	db_begin(r);
	if (!convening_change(r, p.id, to, ended)) {
		db_request_done(r->db);
		/* Sent twice (a retry, a double click): the first made the change,
		 * so this one answers as the first did. */
		struct party now;
		if (convening_party(r, p.id, &now) && !strcmp(now.status, to)) {
			req_redirect(r, arena_printf(&r->arena, "%s?msg=changed", back));
			return;
		}
		req_fail(r, 409, "this registration can no longer be changed that way");
	}
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "%s?msg=%s", back, !strcmp(to, "cancelled") ? "cancelled" : "changed"));
}

/* ---- /convening/{year}/edit and sessions (staff) ---------------------------- */

static void edit_view(struct req *r, const struct convening *c, const struct form_errors *e,
                      const struct form_errors *se)
{
	page_begin(r, arena_printf(&r->arena, "Edit the %d convening", c->year));
	const char *msg = req_query(r, "msg");
	if (msg && !strcmp(msg, "saved"))
		page_notice(r, "Saved. Everyone registered was told of a change of time or place.");
	else if (msg && !strcmp(msg, "session"))
		page_notice(r, "Session added.");
	event_form(r, e, c, 0);
	sessions_table(r, c);
	html(r, "<h2 id=\"add-session\">Add a session</h2>\n");
	form_error_summary(r, se);
	form_begin_create(r, arena_printf(&r->arena, "/convening/%d/sessions", c->year));
	form_input(r, se, "title", "Title", "text", se ? req_form(r, "title") : "", "off", NULL, 1, LEN_TITLE);
	form_input(r, se, "day", "Day", "date", se ? req_form(r, "day") : c->first_day, "off", NULL, 1, 0);
	form_input(r, se, "starts", "Starts at", "time", se ? req_form(r, "starts") : "", "off",
	           arena_printf(&r->arena, "In the place's time zone, %s.", region_label(region_time_zones, c->tz)), 1, 0);
	form_input(r, se, "minutes", "Minutes", "number", se ? req_form(r, "minutes") : "60", "off", NULL, 1, 0);
	form_input(r, se, "room", "Room (optional)", "text", se ? req_form(r, "room") : "", "off", NULL, 0, LEN_TITLE);
	form_input(r, se, "capacity", "Places", "number", se ? req_form(r, "capacity") : "", "off", NULL, 1, 0);
	html(r, "<button type=\"submit\">Add the session</button>\n");
	form_end(r);
	html(r, "<p><a href=\"/convening/%d\">Back to the convening</a></p>\n", c->year);
	page_end(r);
}

void convening_edit_page(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	edit_view(r, &c, NULL, NULL);
}

void convening_edit_submit(struct req *r)
{
	struct convening c, n;
	load_or_404(r, &c);
	struct form_errors e = {0};
	n = c;
	event_read(r, &e, &n, 0);
	if (!e.n && n.capacity < c.held)
		form_error(&e, "capacity", arena_printf(&r->arena, "%d places are taken already: the capacity cannot be less.",
		                                        c.held));
	if (e.n) {
		r->status = 422;
		edit_view(r, &c, &e, NULL);
		return;
	}
	int moved = strcmp(n.first_day, c.first_day) || strcmp(n.last_day, c.last_day) ||
	            strcmp(n.day_start, c.day_start) || strcmp(n.day_end, c.day_end) || strcmp(n.tz, c.tz) ||
	            strcmp(n.place, c.place) || strcmp(n.address, c.address);
	db_begin(r);
	int rc = db_try(r, "UPDATE convenings SET title = ?, place = ?, address = ?, tz = ?, first_day = ?, last_day = ?,"
	                   " day_start = ?, day_end = ?, capacity = ?, opens_on = ?, closes_on = ?, offer_hours = ?,"
	                   " about = ?, sequence = sequence + ? WHERE id = ?",
	                "ttttttttitti" "tiI", n.title, n.place, n.address, n.tz, n.first_day, n.last_day, n.day_start,
	                n.day_end, n.capacity, n.opens_on, n.closes_on, n.offer_hours, n.about, moved, c.id);
	if (rc == SQLITE_CONSTRAINT) {      /* places taken in the meantime */
		db_request_done(r->db);
		convening_load(r, c.year, &c);
		form_error(&e, "capacity", "More places are taken than that capacity.");
		r->status = 409;
		edit_view(r, &c, &e, NULL);
		return;
	}
	if (rc != SQLITE_DONE)
		req_fail(r, db_error_status(rc), "convening update failed");
	convening_load(r, c.year, &n);
	if (moved)
		convening_changed(r, &n);
	else
		convening_clock(r, n.id, (long long)time(NULL));
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/convening/%d/edit?msg=saved", c.year));
}

void convening_session_submit(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	struct form_errors e = {0};
	const char *title = form_or(r, "title", ""), *day = form_or(r, "day", ""), *starts = form_or(r, "starts", "");
	const char *room = form_or(r, "room", "");
	long minutes = number_in(req_form(r, "minutes"), 15, 600), cap = number_in(req_form(r, "capacity"), 1, 5000);
	text_required(r, &e, "title", title, "the session's title", LEN_TITLE);
	if (!date_valid(day) || strcmp(day, c.first_day) < 0 || strcmp(day, c.last_day) > 0)
		form_error(&e, "day", arena_printf(&r->arena, "Choose a day of the convening, %s to %s.", c.first_day,
		                                   c.last_day));
	long long at;
	if (!time_valid(starts))
		form_error(&e, "starts", "Enter the start time, like 10:30.");
	else if (date_valid(day) && !local_to_utc(day, starts, c.tz, &at))
		form_error(&e, "starts", "That time does not exist there that day: choose another.");
	if (minutes < 15)
		form_error(&e, "minutes", "Enter its length in minutes, from 15 to 600.");
	if (utf8_chars(room) > LEN_TITLE)
		form_error(&e, "room", arena_printf(&r->arena, "Shorten the room to %d characters.", LEN_TITLE));
	if (cap < 1)
		form_error(&e, "capacity", "Enter how many people it holds, from 1 to 5000.");
	if (e.n) {
		r->status = 422;
		edit_view(r, &c, NULL, &e);
		return;
	}
	db_begin(r);
	db_exec(r, "INSERT INTO convening_sessions (convening_id, title, day, starts, minutes, room, capacity)"
	           " VALUES (?, ?, ?, ?, ?, ?, ?)", "Itttiti", c.id, title, day, starts, (int)minutes, room, (int)cap);
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/convening/%d/edit?msg=session#add-session", c.year));
}

/* ---- registrations, invitations (staff) -------------------------------------- */

void convening_registrations_page(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	page_begin(r, arena_printf(&r->arena, "Registrations for %d", c.year));
	const char *msg = req_query(r, "invited");
	if (msg)
		page_notice(r, atoi(msg) ? arena_printf(&r->arena, "Invited %d leader%s by mail.", atoi(msg),
		                                        atoi(msg) == 1 ? "" : "s")
		                         : "Nobody new to invite: every leader who said so in the scan was invited already.");
	html(r, "<p>%d of %d places taken.</p>\n", c.held, c.capacity);
	sqlite3_stmt *st = db_q(r, "SELECT p.id, u.name, coalesce(p.school_id, 0), p.size, p.status, p.created_at,"
	                           " (SELECT group_concat(name, ', ') FROM party_people WHERE party_id = p.id),"
	                           " coalesce((SELECT o.name FROM organizations o WHERE o.id = u.org_id), '')"
	                           " FROM parties p JOIN users u ON u.id = p.registered_by WHERE p.convening_id = ?"
	                           " ORDER BY p.status = 'cancelled', p.status = 'waitlisted', p.id", "I", c.id);
	struct row { long long id, school; int size; const char *by, *status, *people, *org; } *rows = NULL;
	int n = 0, cap = 0;
	while (db_step(r, st)) {
		rows = arena_grow(&r->arena, rows, n, &cap, sizeof *rows);
		rows[n].id = db_col_int(st, 0);
		rows[n].by = db_col_text(r, st, 1);
		rows[n].school = db_col_int(st, 2);
		rows[n].size = (int)db_col_int(st, 3);
		rows[n].status = db_col_text(r, st, 4);
		rows[n].people = db_col_text(r, st, 6);
		rows[n].org = db_col_text(r, st, 7);
		n++;
	}
	table_begin(r, NULL, "Parties, holding places first, then the waitlist in its order, then cancelled");
	html(r, "<thead><tr><th scope=\"col\">Registered by</th><th scope=\"col\">School or organization</th><th scope=\"col\">People</th>"
	        "<th scope=\"col\">Size</th><th scope=\"col\">Status</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++)
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%d</td><td><a href=\"/convening/%d/parties/%lld\">"
		        "%s</a></td></tr>\n", rows[i].by,
		     rows[i].school ? school_for(r, rows[i].school) : rows[i].org, rows[i].people, rows[i].size, c.year,
		     rows[i].id, convening_status_label(rows[i].status));
	if (!n)
		html(r, "<tr><td colspan=\"5\">Nobody has registered yet.</td></tr>\n");
	html(r, "</tbody>\n");
	table_end(r);
	long long asked = db_int(r, 0, "SELECT count(*) FROM convening_invitations WHERE convening_id = ?", "I", c.id);
	html(r, "<h2 id=\"invite\">Invite the leaders who want to come</h2>\n<p>Leaders whose latest scan says they would attend the"
	        " convening get one invitation by mail; nobody is invited twice. %s</p>\n",
	     arena_printf(&r->arena, "%lld invited so far.", asked));
	form_begin(r, arena_printf(&r->arena, "/convening/%d/invite", c.year));
	html(r, "<button type=\"submit\">Invite them</button>\n");
	form_end(r);
	html(r, "<p><a href=\"/convening/%d\">Back to the convening</a></p>\n", c.year);
	page_end(r);
}

void convening_invite_submit(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	db_begin(r);
	int n = convening_invite(r, &c);
	db_commit(r);
	req_redirect(r, arena_printf(&r->arena, "/convening/%d/registrations?invited=%d", c.year, n));
}

/* ---- check-in, attendance, badges, sign-in sheet (staff) ----------------------- */

/* The people of parties holding places, by name; q narrows by name. */
#define PEOPLE_SQL \
	"SELECT pp.id, pp.name, pp.role, coalesce(p.school_id, 0), pp.checked_in_at, u.name, pp.access, pp.diet, p.status," \
	" coalesce((SELECT o.name FROM organizations o WHERE o.id = u.org_id), '')" \
	" FROM party_people pp JOIN parties p ON p.id = pp.party_id JOIN users u ON u.id = p.registered_by" \
	" WHERE p.convening_id = ? AND p.status IN ('registered', 'attended') AND (? IS NULL OR pp.name LIKE ? ESCAPE '\\')" \
	" ORDER BY pp.name COLLATE natural_sort, pp.id"

/* Where a person of a PEOPLE_SQL row comes from: the party's school as the
 * viewer may read it, else the registrant's organization. */
static const char *from_of(struct req *r, sqlite3_stmt *st)
{
	long long school = db_col_int(st, 3);
	return school ? school_for(r, school) : db_col_text(r, st, 9);
}

void convening_checkin_page(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	page_begin(r, arena_printf(&r->arena, "Check-in, %d", c.year));
	const char *done = req_query(r, "done");
	if (done) {
		const char *who = db_text(r, "SELECT pp.name FROM party_people pp JOIN parties p ON p.id = pp.party_id"
		                             " WHERE pp.id = ? AND p.convening_id = ?", "II", atoll(done), c.id);
		if (who)
			page_notice(r, arena_printf(&r->arena, "%s is %s.", who,
			                            req_query(r, "out") ? "no longer checked in" : "checked in"));
	}
	long long in = db_int(r, 0, "SELECT count(*) FROM party_people pp JOIN parties p ON p.id = pp.party_id"
	                            " WHERE p.convening_id = ? AND pp.checked_in_at IS NOT NULL", "I", c.id);
	html(r, "<p>%lld of %d people checked in.</p>\n", in, c.held);
	const char *q = req_query(r, "q");
	char *like = db_like(r, q);
	filter_begin(r, arena_printf(&r->arena, "/convening/%d/checkin", c.year));
	filter_search(r, "q", "Find a person by name", q);
	html(r, "<button type=\"submit\">Find</button>\n</form>\n");
	sqlite3_stmt *st = db_q(r, PEOPLE_SQL, "Itt", c.id, like, like);
	html(r, "<ul class=\"checkin\">\n");
	int n = 0;
	while (db_step(r, st)) {
		n++;
		long long id = db_col_int(st, 0);
		int is_in = !db_col_null(st, 4);
		const char *role = db_col_text(r, st, 2);
		const char *school = from_of(r, st);
		char at[40] = "";
		if (is_in)
			utc_to_local(db_col_int(st, 4), c.tz, at, sizeof at);
		html(r, "<li id=\"p-%lld\"><div><strong>%s</strong><span>%s%s%s</span><span>%s</span></div>\n", id,
		     db_col_text(r, st, 1), role, *role && *school ? " · " : "", school,
		     is_in ? arena_printf(&r->arena, "In since %s", at + 11) : "Not checked in");
		form_begin(r, arena_printf(&r->arena, "/convening/%d/checkin", c.year));
		html(r, "<input type=\"hidden\" name=\"person\" value=\"%lld\"><input type=\"hidden\" name=\"q\" value=\"%s\">"
		        "<input type=\"hidden\" name=\"x\" value=\"%s\">", id, q ? q : "", is_in ? "out" : "in");
		html(r, "<button type=\"submit\" class=\"%s\">%s<span class=\"visually-hidden\"> %s</span></button>\n",
		     is_in ? "secondary" : "mark-in", is_in ? "Undo" : "Check in", db_col_text(r, st, 1));
		form_end(r);
		html(r, "</li>\n");
	}
	html(r, "</ul>\n");
	if (!n)
		html(r, "<p>%s</p>\n", q && *q ? "Nobody registered by that name. Try part of the name." : "Nobody registered yet.");
	html(r, "<p><a href=\"/convening/%d/attendance\">Attendance</a> · <a href=\"/convening/%d\">The convening</a></p>\n",
	     c.year, c.year);
	page_end(r);
}

void convening_checkin_submit(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	long long person = atoll(form_or(r, "person", "0"));
	int in = strcmp(form_or(r, "x", "in"), "out") != 0;
	if (!db_int(r, 0, "SELECT 1 FROM party_people pp JOIN parties p ON p.id = pp.party_id WHERE pp.id = ?"
	                  " AND p.convening_id = ?", "II", person, c.id))
		req_fail(r, 404, "no such person");
	db_begin(r);
	if (!convening_checkin(r, person, in)) {
		db_request_done(r->db);
		req_fail(r, 409, "that person's party holds no places");
	}
	db_commit(r);
	const char *q = form_or(r, "q", "");
	req_redirect(r, arena_printf(&r->arena, "/convening/%d/checkin?%s%sdone=%lld%s#p-%lld", c.year, *q ? "q=" : "",
	                             *q ? arena_printf(&r->arena, "%s&", url_enc(r, q)) : "", person, in ? "" : "&out=1",
	                             person));
}

void convening_attendance_page(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	page_begin(r, arena_printf(&r->arena, "Attendance, %d", c.year));
	long long in = db_int(r, 0, "SELECT count(*) FROM party_people pp JOIN parties p ON p.id = pp.party_id"
	                            " WHERE p.convening_id = ? AND pp.checked_in_at IS NOT NULL", "I", c.id);
	long long parties = db_int(r, 0, "SELECT count(*) FROM parties WHERE convening_id = ? AND status = 'attended'", "I",
	                           c.id);
	html(r, "<p>%lld of %d registered people attended, from %lld part%s.</p>\n", in, c.held, parties,
	     parties == 1 ? "y" : "ies");
	sqlite3_stmt *st = db_q(r, PEOPLE_SQL, "Itt", c.id, NULL, NULL);
	table_begin(r, NULL, "Everyone registered, and when they checked in");
	html(r, "<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Role</th><th scope=\"col\">From</th>"
	        "<th scope=\"col\">Registered by</th><th scope=\"col\">Checked in</th></tr></thead>\n<tbody>\n");
	while (db_step(r, st)) {
		char at[40] = "";
		if (!db_col_null(st, 4))
			utc_to_local(db_col_int(st, 4), c.tz, at, sizeof at);
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", db_col_text(r, st, 1),
		     db_col_text(r, st, 2), from_of(r, st), db_col_text(r, st, 5), *at ? at : "No");
	}
	html(r, "</tbody>\n");
	table_end(r);
	html(r, "<p><a href=\"/convening/%d/attendance.csv\">Download attendance (CSV)</a> · <a href=\"/convening/%d\">"
	        "The convening</a></p>\n", c.year, c.year);
	page_end(r);
}

void convening_badges_page(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	page_begin(r, arena_printf(&r->arena, "Badges, %d", c.year));
	html(r, "<p class=\"no-print\">Print this page: each badge keeps to one piece of its sheet.</p>\n"
	        "<ul class=\"badges\">\n");
	sqlite3_stmt *st = db_q(r, PEOPLE_SQL, "Itt", c.id, NULL, NULL);
	while (db_step(r, st)) {
		const char *school = from_of(r, st);
		html(r, "<li class=\"badge\"><span class=\"badge-event\">%s</span><strong>%s</strong><span>%s</span>"
		        "<span>%s</span></li>\n", c.title, db_col_text(r, st, 1), db_col_text(r, st, 2), school);
	}
	html(r, "</ul>\n");
	page_end(r);
}

void convening_signin_page(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	page_begin(r, arena_printf(&r->arena, "Sign-in sheet, %d", c.year));
	html(r, "<p>%s, %s.</p>\n", c.title, convening_when(r, &c));
	sqlite3_stmt *st = db_q(r, PEOPLE_SQL, "Itt", c.id, NULL, NULL);
	table_begin(r, "signin", "Sign in beside your name");
	html(r, "<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Role</th><th scope=\"col\">From</th>"
	        "<th scope=\"col\">Signature</th></tr></thead>\n<tbody>\n");
	while (db_step(r, st))
		html(r, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"sign\"></td></tr>\n", db_col_text(r, st, 1),
		     db_col_text(r, st, 2), from_of(r, st));
	html(r, "</tbody>\n");
	table_end(r);
	page_end(r);
}

/* ---- exports -------------------------------------------------------------------- */

void convening_registrations_csv(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	static const char *const cols[] = { "party", "status", "registered_by", "email", "school", "school_labels",
	                                    "person", "role", "accessibility", "diet", "sessions", "registered_at", NULL };
	csv_start(r, arena_printf(&r->arena, "convening-%d-registrations.csv", c.year), cols);
	sqlite3_stmt *st = db_q(r, "SELECT p.id, p.status, u.name, u.email, coalesce(p.school_id, 0), pp.name, pp.role,"
	                           " pp.access, pp.diet, (SELECT group_concat(s.title, '; ') FROM party_sessions ps"
	                           " JOIN convening_sessions s ON s.id = ps.session_id WHERE ps.party_id = p.id),"
	                           " datetime(p.created_at, 'unixepoch')"
	                           " FROM parties p JOIN users u ON u.id = p.registered_by JOIN party_people pp"
	                           " ON pp.party_id = p.id WHERE p.convening_id = ? ORDER BY p.id, pp.position", "I", c.id);
	while (db_step(r, st)) {
		long long school = db_col_int(st, 4);
		int shown = school && policy_school(r, school) != VIS_HIDDEN;
		csv_field(&r->body, db_col_text(r, st, 0), 1);
		csv_field(&r->body, db_col_text(r, st, 1), 0);
		csv_field(&r->body, db_col_text(r, st, 2), 0);
		csv_field(&r->body, db_col_text(r, st, 3), 0);
		csv_field(&r->body, school_for(r, school), 0);
		csv_field(&r->body, shown ? policy_labels(r, school) : "", 0);
		for (int i = 5; i <= 10; i++)
			csv_field(&r->body, db_col_text(r, st, i), 0);
		csv_end(&r->body);
	}
}

void convening_attendance_csv(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	static const char *const cols[] = { "person", "role", "from", "registered_by", "checked_in_at", NULL };
	csv_start(r, arena_printf(&r->arena, "convening-%d-attendance.csv", c.year), cols);
	sqlite3_stmt *st = db_q(r, PEOPLE_SQL, "Itt", c.id, NULL, NULL);
	while (db_step(r, st)) {
		char at[40] = "";
		if (!db_col_null(st, 4))
			utc_to_local(db_col_int(st, 4), c.tz, at, sizeof at);
		csv_field(&r->body, db_col_text(r, st, 1), 1);
		csv_field(&r->body, db_col_text(r, st, 2), 0);
		csv_field(&r->body, from_of(r, st), 0);
		csv_field(&r->body, db_col_text(r, st, 5), 0);
		csv_field(&r->body, at, 0);
		csv_end(&r->body);
	}
}

/* The event, its sessions and the places left: no people, no schools. */
void convening_json(struct req *r)
{
	struct convening c;
	load_or_404(r, &c);
	char today[11];
	convening_today(&c, today);
	long long start = 0, end = 0;
	convening_span(&c, &start, &end);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "year", c.year);
	cJSON_AddStringToObject(o, "title", c.title);
	cJSON_AddStringToObject(o, "about", c.about);
	cJSON_AddStringToObject(o, "place", c.place);
	cJSON_AddStringToObject(o, "address", c.address);
	cJSON_AddStringToObject(o, "time_zone", c.tz);
	cJSON_AddStringToObject(o, "first_day", c.first_day);
	cJSON_AddStringToObject(o, "last_day", c.last_day);
	cJSON_AddStringToObject(o, "day_start", c.day_start);
	cJSON_AddStringToObject(o, "day_end", c.day_end);
	cJSON_AddNumberToObject(o, "starts_at", (double)start);
	cJSON_AddNumberToObject(o, "ends_at", (double)end);
	cJSON_AddNumberToObject(o, "capacity", c.capacity);
	cJSON_AddNumberToObject(o, "places_left", c.capacity - c.held);
	cJSON *reg = cJSON_AddObjectToObject(o, "registration");
	cJSON_AddStringToObject(reg, "opens_on", c.opens_on);
	cJSON_AddStringToObject(reg, "closes_on", c.closes_on);
	cJSON_AddBoolToObject(reg, "open", convening_open_on(&c, today));
	cJSON_AddNumberToObject(reg, "offer_hours", c.offer_hours);
	cJSON *list = cJSON_AddArrayToObject(o, "sessions");
	sqlite3_stmt *st = db_q(r, "SELECT id, title, day, starts, minutes, room, capacity, capacity - held"
	                           " FROM convening_sessions WHERE convening_id = ? ORDER BY day, starts, id", "I", c.id);
	while (db_step(r, st)) {
		cJSON *s = cJSON_CreateObject();
		cJSON_AddItemToArray(list, s);
		cJSON_AddNumberToObject(s, "id", (double)db_col_int(st, 0));
		cJSON_AddStringToObject(s, "title", db_col_text(r, st, 1));
		cJSON_AddStringToObject(s, "day", db_col_text(r, st, 2));
		cJSON_AddStringToObject(s, "starts", db_col_text(r, st, 3));
		cJSON_AddNumberToObject(s, "minutes", (double)db_col_int(st, 4));
		cJSON_AddStringToObject(s, "room", db_col_text(r, st, 5));
		cJSON_AddNumberToObject(s, "capacity", (double)db_col_int(st, 6));
		cJSON_AddNumberToObject(s, "places_left", (double)db_col_int(st, 7));
	}
	cJSON_AddStringToObject(o, "url", arena_printf(&r->arena, "/convening/%d", c.year));
	char *text = cJSON_PrintUnformatted(o);
	r->content_type = "application/json";
	buf_puts(&r->body, text);
	buf_putc(&r->body, '\n');
	cJSON_free(text);
	cJSON_Delete(o);
}
