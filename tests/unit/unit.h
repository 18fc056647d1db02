/* unit.h — the unit suites, one per module, and shared fixtures. */
#ifndef ILNET_UNIT_H
#define ILNET_UNIT_H

#include <check.h>
#include "mail.h"
#include "req.h"

Suite *arena_suite(void);
Suite *decode_suite(void);
Suite *html_suite(void);
Suite *route_suite(void);
Suite *csv_suite(void);
Suite *region_suite(void);
Suite *policy_suite(void);
Suite *auth_suite(void);
Suite *db_suite(void);
Suite *survey_suite(void);
Suite *money_suite(void);
Suite *grant_suite(void);
Suite *steward_suite(void);
Suite *writeq_suite(void);
Suite *supervise_suite(void);
Suite *backup_suite(void);
Suite *seats_suite(void);
Suite *ical_suite(void);
Suite *summary_suite(void);
Suite *geo_suite(void);
Suite *season_suite(void);
Suite *convening_suite(void);
Suite *cohorts_suite(void);
Suite *boundary_suite(void);
Suite *zip_suite(void);

/* A request over a fresh in-memory database with every migration applied,
 * and a fail path that records the failure instead of jumping away. */
struct req *test_req_new(void);
void test_req_free(struct req *r);

/* Run fn(r) under a fail path; returns the status req_fail() set, or 0. */
int test_run(struct req *r, void (*fn)(struct req *));

/* Render outbox row id (queued by mail_queue_render) with render, as the
 * sender would: its return, with the message in *out. */
int test_render(struct req *r, long long id, mail_render_fn render, struct mail_parts *out);

/* Rows stepped through by full table scans in r's statements since the
 * last reset (reset=1 zeroes the counters). */
long test_scan_steps(struct req *r, int reset);

#endif
