/* handlers.h — every page handler, grouped by the file that holds it.
 * The route table (cgi-bin/routes.c) maps URLs to these. */
#ifndef ILNET_HANDLERS_H
#define ILNET_HANDLERS_H

struct req;

/* login.c */
void login_page(struct req *r);
void login_submit(struct req *r);
void logout_submit(struct req *r);
void account_page(struct req *r);
void account_password_submit(struct req *r);
void invite_page(struct req *r);
void invite_submit(struct req *r);
void forgot_page(struct req *r);
void forgot_submit(struct req *r);
void reset_page(struct req *r);
void reset_submit(struct req *r);

/* connect.c */
void connect_page(struct req *r);
void connect_host_page(struct req *r);
void connect_host_submit(struct req *r);
void connect_host_people_submit(struct req *r);
void connect_opportunity_page(struct req *r);
void connect_opportunity_submit(struct req *r);
void connect_request_submit(struct req *r);
void connect_booking_page(struct req *r);
void connect_booking_submit(struct req *r);
void opportunities_json(struct req *r);
void connect_report_page(struct req *r);
void connect_visits_csv(struct req *r);
void calendar_feed(struct req *r);
void calendar_account_submit(struct req *r);
/* The account page's section on the calendar feed. */
void calendar_account_section(struct req *r);
/* A school profile's site visits made and hosted (its ties). */

/* convening.c */
void convening_list_page(struct req *r);
void convening_create_submit(struct req *r);
void convening_page(struct req *r);
void convening_edit_page(struct req *r);
void convening_edit_submit(struct req *r);
void convening_session_submit(struct req *r);
void convening_register_submit(struct req *r);
void convening_party_page(struct req *r);
void convening_party_submit(struct req *r);
void convening_registrations_page(struct req *r);
void convening_registrations_csv(struct req *r);
void convening_invite_submit(struct req *r);
void convening_checkin_page(struct req *r);
void convening_checkin_submit(struct req *r);
void convening_attendance_page(struct req *r);
void convening_attendance_csv(struct req *r);
void convening_badges_page(struct req *r);
void convening_signin_page(struct req *r);
void convening_json(struct req *r);
/* cohorts.c (Inspire; the profile's timeline is in cohorts.h) */
void cohorts_page(struct req *r);
void cohorts_create_submit(struct req *r);
void cohort_page(struct req *r);
void cohort_manage_page(struct req *r);
void cohort_submit(struct req *r);
void cohort_session_page(struct req *r);
void cohort_session_submit(struct req *r);
void cohort_members_csv(struct req *r);
void cohort_attendance_csv(struct req *r);
void cohorts_json(struct req *r);

/* outbox.c */
void outbox_page(struct req *r);

/* nations.c */
void nations_page(struct req *r);
void nation_page(struct req *r);
void nation_submit(struct req *r);

/* map.c */
void map_page(struct req *r);
void map_csv(struct req *r);
void map_geojson(struct req *r);
void map_json(struct req *r);
void map_outlines_json(struct req *r);

/* home.c */
void home_page(struct req *r);
void health_page(struct req *r);

/* people.c */
void people_page(struct req *r);
void people_invite_submit(struct req *r);
void people_import_page(struct req *r);
void people_import_submit(struct req *r);
void person_page(struct req *r);
void person_submit(struct req *r);
/* Queue the invitation of user uid (a new account) to choose a password. */
void people_invite_mail(struct req *r, long long uid, const char *email, const char *name);

/* schools.c */
void schools_page(struct req *r);
void school_edit_page(struct req *r);
void school_edit_submit(struct req *r);
void schools_import_page(struct req *r);
void schools_import_submit(struct req *r);
void schools_import_template(struct req *r);
void my_schools_page(struct req *r);

/* orgs.c */
void orgs_page(struct req *r);
void orgs_submit(struct req *r);
void org_page(struct req *r);
void org_submit(struct req *r);

/* scan.c */
void scan_page(struct req *r);
void scan_school_page(struct req *r);
void scan_school_submit(struct req *r);
void scan_review_page(struct req *r);
void scan_submit(struct req *r);
void scan_copy_submit(struct req *r);
void scan_answers_csv(struct req *r);

/* scans.c */
void scans_list_page(struct req *r);
void scans_create_submit(struct req *r);
void scan_cycle_page(struct req *r);
void scan_cycle_submit(struct req *r);
void scan_response_page(struct req *r);
void scan_reopen_submit(struct req *r);
void scan_reopen_page(struct req *r);
void scan_close_page(struct req *r);
void scan_close_submit(struct req *r);
/* A cycle's counts as the viewer may see them (the response rates' rule):
 * schools submitted, in progress, and counted in all. */
void scan_cycle_rate(struct req *r, long long cycle, long long *submitted, long long *in_progress,
                     long long *schools);

/* grants.c */
void grants_page(struct req *r);
void grants_create_submit(struct req *r);
void grant_page(struct req *r);
void grant_submit(struct req *r);
void grant_payment_page(struct req *r);
void grant_payment_submit(struct req *r);
void grant_report_page(struct req *r);
void grant_report_submit(struct req *r);

/* visits.c */
void visits_page(struct req *r);
void visits_submit(struct req *r);
void visit_page(struct req *r);
void visit_submit(struct req *r);

/* portfolio.c */
void portfolio_page(struct req *r);
void grants_csv(struct req *r);
void payments_csv(struct req *r);
void reports_csv(struct req *r);
void visits_csv(struct req *r);
void grants_json(struct req *r);

/* profile.c */
void profile_page(struct req *r);

/* results.c */
void results_page(struct req *r);
void results_json(struct req *r);
void results_csv(struct req *r);
/* Every question's counts as CSV (/scans/{year}/questions.csv). */
void questions_csv(struct req *r);
/* The class a school is told apart by in scan figures (policy_aggregate):
 * 0 no response, 1 in progress, 2 submitted. */
int results_class(const char *status);

/* The leader-level figure: of the counted responses l[0..n) (who submitted
 * each, 0 for no one, and whether its school implements: stage
 * some_classrooms or schoolwide), *leaders is how many distinct leaders
 * submitted them and *implementing how many of those implement in at
 * least one of their counted schools.  Only responses the policy counts
 * are passed, so a leader counts through a hidden school exactly where that
 * school counts.  Sorts l. */
struct results_leader {
	long long id;
	int implementing;
};
void results_leaders(struct results_leader *l, int n, int *leaders, int *implementing);
void codebook_csv(struct req *r);

/* wants.c: who said yes to the cohort, convening and Connect questions */
void wants_page(struct req *r);
void wants_csv(struct req *r);
/* The key of the list of a question's answers ("cohort"...), or NULL. */
const char *wants_list_of(const char *question);

/* steward.c */
void steward_page(struct req *r);
void steward_submit(struct req *r);
void steward_boundary_submit(struct req *r);
void steward_usage_page(struct req *r);
void steward_usage_csv(struct req *r);
void steward_leaders_page(struct req *r);
void steward_leaders_submit(struct req *r);

#endif
