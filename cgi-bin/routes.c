/* routes.c — every URL ilnet answers, who may use it, and its handler.
 * Find any page from its address here.  A route must name its roles:
 * route_table_check() refuses to start otherwise. */
#include "handlers.h"
#include "req.h"
#include "route.h"

#define STAFF (ROLE_ADMIN | ROLE_STAFF)

const struct route app_routes[] = {
	{ "GET",  "/",                        home_page,               ROLE_SIGNED_IN, 0 },
	{ "GET",  "/account",                 account_page,            ROLE_SIGNED_IN, 0 },
	{ "POST", "/account/password",        account_password_submit, ROLE_SIGNED_IN, 0 },
	{ "GET",  "/admin/orgs",              orgs_page,               STAFF, 0 },
	{ "POST", "/admin/orgs",              orgs_submit,             STAFF, 0 },
	{ "GET",  "/admin/people",            people_page,             STAFF, 0 },
	{ "POST", "/admin/people/invite",     people_invite_submit,    STAFF, 0 },
	{ "GET",  "/admin/people/{id}",       person_page,             STAFF, 0 },
	{ "POST", "/admin/people/{id}",       person_submit,           STAFF, 0 },
	{ "GET",  "/admin/schools",           schools_page,            STAFF, 0 },
	{ "GET",  "/admin/schools/import",    schools_import_page,     ROLE_ADMIN, 0 },
	{ "POST", "/admin/schools/import",    schools_import_submit,   ROLE_ADMIN, 0 },
	{ "GET",  "/admin/schools/{id}",      school_edit_page,        STAFF, 0 },
	{ "POST", "/admin/schools/{id}",      school_edit_submit,      STAFF, 0 },
	{ "GET",  "/api/v1/scans/{id}/summary", results_json,          STAFF, RF_JSON },
	{ "GET",  "/grants",                  grants_page,             STAFF | ROLE_INTERMEDIARY, 0 },
	{ "POST", "/grants",                  grants_create_submit,    STAFF, 0 },
	{ "GET",  "/grants/{id}",             grant_page,              STAFF | ROLE_INTERMEDIARY, 0 },
	{ "POST", "/grants/{id}",             grant_submit,            STAFF, 0 },
	{ "GET",  "/grants/{id}/reports/{id}", grant_report_page,      STAFF | ROLE_INTERMEDIARY, 0 },
	{ "POST", "/grants/{id}/reports/{id}", grant_report_submit,    STAFF | ROLE_INTERMEDIARY, 0 },
	{ "GET",  "/visits",                  visits_page,             STAFF | ROLE_INTERMEDIARY, 0 },
	{ "POST", "/visits",                  visits_submit,           ROLE_INTERMEDIARY, 0 },
	{ "GET",  "/healthz",                 health_page,             ROLE_PUBLIC, RF_JSON },
	{ "GET",  "/invite",                  invite_page,             ROLE_PUBLIC, 0 },
	{ "POST", "/invite",                  invite_submit,           ROLE_PUBLIC, 0 },
	{ "GET",  "/login",                   login_page,              ROLE_PUBLIC, 0 },
	{ "POST", "/login",                   login_submit,            ROLE_PUBLIC, 0 },
	{ "POST", "/logout",                  logout_submit,           ROLE_SIGNED_IN, 0 },
	{ "GET",  "/my/schools",              my_schools_page,         ROLE_LEADER | ROLE_INTERMEDIARY, 0 },
	{ "GET",  "/password/forgot",         forgot_page,             ROLE_PUBLIC, 0 },
	{ "POST", "/password/forgot",         forgot_submit,           ROLE_PUBLIC, 0 },
	{ "GET",  "/password/reset",          reset_page,              ROLE_PUBLIC, 0 },
	{ "POST", "/password/reset",          reset_submit,            ROLE_PUBLIC, 0 },
	{ "GET",  "/schools/{id}",            profile_page,            ROLE_SIGNED_IN, 0 },
	{ "GET",  "/scan",                    scan_page,               ROLE_LEADER, 0 },
	{ "POST", "/scan/{id}/copy",          scan_copy_submit,        ROLE_LEADER, 0 },
	{ "GET",  "/scan/{id}/schools/{id}",  scan_school_page,        ROLE_LEADER, 0 },
	{ "POST", "/scan/{id}/schools/{id}",  scan_school_submit,      ROLE_LEADER, 0 },
	{ "GET",  "/scan/{id}/schools/{id}/review", scan_review_page,  ROLE_LEADER, 0 },
	{ "POST", "/scan/{id}/schools/{id}/submit", scan_submit,       ROLE_LEADER, 0 },
	{ "GET",  "/scans",                   scans_list_page,         STAFF, 0 },
	{ "POST", "/scans",                   scans_create_submit,     STAFF, 0 },
	{ "GET",  "/scans/{id}",              scan_cycle_page,         STAFF, 0 },
	{ "POST", "/scans/{id}",              scan_cycle_submit,       STAFF, 0 },
	{ "GET",  "/scans/{id}/codebook.csv", codebook_csv,            STAFF, 0 },
	{ "GET",  "/scans/{id}/responses.csv", results_csv,            STAFF, 0 },
	{ "GET",  "/scans/{id}/responses/{id}", scan_response_page,    STAFF, 0 },
	{ "GET",  "/scans/{id}/results",      results_page,            STAFF, 0 },
	{ "POST", "/scans/{id}/responses/{id}/reopen", scan_reopen_submit, STAFF, 0 },
	{ "GET",  "/steward",                 steward_page,            ROLE_STEWARD, 0 },
	{ "POST", "/steward",                 steward_submit,          ROLE_STEWARD, 0 },
};

const int app_nroutes = (int)(sizeof app_routes / sizeof app_routes[0]);
