/* layout.h — the page shell and form helpers every page shares.
 *
 * page_begin() writes the document head, the skip link, the banner with
 * navigation for the viewer's role and opens <main>; page_end() closes it.
 * Forms: form_begin() adds the CSRF field; field helpers write a label,
 * the hint, the error beside the field and keep the value typed.  An error
 * summary at the top links to each field in error.
 */
#ifndef ILNET_LAYOUT_H
#define ILNET_LAYOUT_H

struct req;

#define FORM_MAX_ERRORS 64

struct form_errors {
	int n;
	struct { const char *field, *msg, *about; } v[FORM_MAX_ERRORS];
};

void page_begin(struct req *r, const char *title);
void page_end(struct req *r);

/* A whole error page with status; msg is shown (escaped). */
void page_error(struct req *r, int status, const char *msg);

/* <form method="post" action="..."> with the CSRF token. */
void form_begin(struct req *r, const char *action);
/* The same for a form that creates a record: it also carries a one-time
 * key, so that sending it again (a retry after a lost reply, a double
 * click) answers with the record already made instead of a second one. */
void form_begin_create(struct req *r, const char *action);
/* The same, for a form that sends files (multipart/form-data). */
void form_begin_upload(struct req *r, const char *action);
void form_end(struct req *r);

void form_error(struct form_errors *e, const char *field, const char *msg);
/* The same for a field whose label the message alone does not name (a
 * question of the scan): the summary says "about: msg", the field msg. */
void form_error_about(struct form_errors *e, const char *field, const char *about, const char *msg);
const char *form_error_for(const struct form_errors *e, const char *field);

/* The error summary: nothing when there are no errors. */
void form_error_summary(struct req *r, const struct form_errors *e);

/* The longest text the server accepts in a field, in characters
 * (utf8_chars(), as the schema's length() counts them); the handlers
 * check them and the inputs carry them as maxlength, so a browser stops
 * the typing where the server would refuse it. */
#define LEN_PERSON_NAME 120   /* a person's name */
#define LEN_TITLE 200         /* a name or title of a record, a short note */
#define LEN_CITY 100
#define LEN_EMAIL 254         /* mail_address_ok() */
#define FILTER_SEARCH_MAX 200 /* a search in a filter bar */

/* A labelled input.  type: "text", "email", "password", "number", ...
 * autocomplete may be NULL; hint may be NULL; required adds the attribute;
 * maxlength (0: none) is the server's limit for the field. */
void form_input(struct req *r, const struct form_errors *e, const char *name,
                const char *label, const char *type, const char *value,
                const char *autocomplete, const char *hint, int required, int maxlength);

/* A labelled <select>; options are value/label pairs ending with NULL.
 * More than 20 options: with scripts, a box above it narrows the list as
 * one types. */
void form_select(struct req *r, const struct form_errors *e, const char *name,
                 const char *label, const char *const *options,
                 const char *selected, const char *hint);

/* Checkboxes or radios (type) for value/label pairs, in a fieldset with
 * its legend, hint and error; checked as the form sent them. */
void form_choices(struct req *r, const struct form_errors *e, const char *name, const char *legend,
                  const char *const *pairs, const char *type, const char *hint);

/* A labelled <textarea> keeping the value typed; maxlength in characters
 * (the server's own limit). */
void form_textarea(struct req *r, const struct form_errors *e, const char *name, const char *label,
                   const char *value, int rows, int maxlength, const char *hint);

/* A filter bar: a GET form whose fields keep the URL shareable.
 * filter_select's first option is "any" (empty value). */
void filter_begin(struct req *r, const char *action);
void filter_search(struct req *r, const char *name, const char *label, const char *value);
void filter_select(struct req *r, const char *name, const char *label, const char *any,
                   const char *const *options, const char *selected);
void filter_end(struct req *r);

/* Paging of a list that grows with the network: 50 rows a page, the page
 * in the URL (?page=N, 1 first), a nav after the list saying "Showing
 * 51–100 of 2,340" with Previous and Next links that keep the filters.
 * Works without JavaScript.
 *
 * The total counts only rows the viewer may see: a list of schools takes
 * its total from a query whose WHERE holds POLICY_VISIBLE_SQL (policy.h),
 * so no hidden school is ever counted, and still asks policy_row() about
 * every row it shows. */
#define PAGE_ROWS 50

struct pager {
	long long page;             /* 1-based, as asked for, clamped by pager_total */
	long long total;            /* rows the viewer may see */
};

/* The page asked for (?page=N; anything else is page 1). */
void pager_init(struct req *r, struct pager *p);
/* Set the total, and bring a page past the last back to the last. */
void pager_total(struct pager *p, long long total);
/* The first row of the page (for OFFSET), and its LIMIT. */
long long pager_offset(const struct pager *p);
#define pager_limit(p) ((long long)PAGE_ROWS)
/* The nav for path, keeping the query parameters named in keep (NULL
 * ended) that have a value; label names the nav ("Pages of schools"),
 * noun the rows in the "Showing" line ("schools"). */
void pager_nav(struct req *r, const struct pager *p, const char *path, const char *const *keep,
               const char *label, const char *noun);
/* n with thousands separators, as "2,340" (an arena string). */
const char *count_text(struct req *r, long long n);

/* Value/label pairs built one at a time (a list some rows of which the
 * policy leaves out): start with {0}, add, and pairs_end() gives the
 * NULL-ended list form_select() takes. */
struct pairs {
	const char **v;
	int n, cap;
};
void pairs_add(struct req *r, struct pairs *p, const char *value, const char *label);
const char **pairs_end(struct req *r, struct pairs *p);

/* Value/label pairs for form_select() from a statement's first two
 * columns (every row: nothing is cut), preceded by ("", first) when first
 * is not NULL. */
struct sqlite3_stmt;
const char **form_options(struct req *r, struct sqlite3_stmt *st, const char *first);

/* A table in a box of its own that scrolls sideways on a narrow screen
 * (the page never does), its first column kept in view: a region named by
 * the caption, reachable by keyboard.  cls is the table's class or NULL;
 * the caption is escaped.  table_end() closes the table and its box. */
void table_begin(struct req *r, const char *cls, const char *caption);
void table_end(struct req *r);

/* A page of its own that asks before a change that cannot be undone or
 * that affects others (it works without scripts): the title as the
 * heading, what will happen (escaped), and a form posting to action the
 * fields named in keep (NULL-ended) as they were sent, with sure=1 and a
 * one-time key (sent twice, it acts once), a button saying verb and a link
 * back that changes nothing. */
void page_confirm(struct req *r, const char *title, const char *what, const char *action,
                  const char *const *keep, const char *verb, const char *back);

/* A notice at the top of a page (role=status). */
void page_notice(struct req *r, const char *msg);

/* Display name of a role. */
const char *role_label(unsigned role);
/* Role from its stored name ("admin", ...), 0 when unknown. */
unsigned role_from_name(const char *name);
const char *role_name(unsigned role);

#endif
