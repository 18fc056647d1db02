/* season.h — a scan cycle's season: the day it opens, its deadline, and
 * the reminders staff schedule before the deadline ("14, 3": fourteen and
 * three days before).  The clock (main.c, in the mailer) opens a cycle on
 * its day and sends each scheduled reminder once; staff may also invite
 * and remind by hand.  Every mail to leaders about the scan is queued here
 * (invitations, reminders, the receipt of a submitted school, the notice
 * of a reopened one), through the outbox.
 *
 * Times: dates are 'YYYY-MM-DD', one for the whole region.  A reminder
 * falls due at SEASON_REMIND_HOUR UTC (morning in Central and Mountain
 * time) so many days before the deadline; the deadline ends at
 * SEASON_END_HOUR UTC the day after it (midnight, Mountain time), after
 * which no reminder goes.  No leader is reminded twice within
 * SEASON_REMIND_GAP seconds, by the clock or by hand. */
#ifndef ILNET_SEASON_H
#define ILNET_SEASON_H

struct req;
struct instrument;
struct answers;

#define SEASON_MAX_REMINDERS 6
#define SEASON_MAX_DAYS 120
#define SEASON_REMIND_HOUR 14
#define SEASON_END_HOUR 7
#define SEASON_REMIND_GAP (20 * 3600)
#define SEASON_NOTE_MAX 1000        /* a note to a leader, in characters */

/* Unix time of ymd at 00:00 UTC; -1 when ymd is not a real date
 * 'YYYY-MM-DD' between 2000 and 2100.  Pure. */
long long season_date(const char *ymd);

/* Parse a schedule ("14, 3"; commas or spaces between whole numbers of
 * days 0..SEASON_MAX_DAYS, each once) into days[0..max), largest first.
 * Returns how many (0 for blank text), or -1 with *why a message for the
 * person who typed it.  Pure. */
int season_days_parse(const char *text, int *days, int max, const char **why);

/* The schedule as stored and shown: "14,3" (days largest first). */
const char *season_days_text(struct req *r, const int *days, int n);

/* When the reminder `days` before the deadline day (season_date) falls
 * due, and when the deadline ends.  Pure. */
long long season_reminder_at(long long deadline_day, int days);
long long season_deadline_end(long long deadline_day);

/* Which reminder of days[0..n) (largest first) is due at now: the latest
 * whose time has come, unless done[i] says it went already or the
 * deadline has ended; -1 when none.  An earlier reminder that never went
 * (the clock was stopped) is passed over once a later one falls due, so
 * leaders never get two at once and none twice.  Pure. */
int season_reminder_due(const int *days, int n, long long deadline_day, long long now, const int *done);

/* Queue invitations (remind 0: leaders not yet invited) or reminders
 * (remind 1: leaders with a school not yet submitted, not reminded in the
 * last SEASON_REMIND_GAP) for a cycle, inside the caller's transaction, so
 * each leader is checked at the moment the mail is queued.  by: the user
 * sending by hand, 0 for the clock; days: the scheduled reminder, -1 by
 * hand.  A reminder round is recorded (even of none).  Returns how many. */
int season_mail_leaders(struct req *r, long long cycle, int remind, long long by, int days);

/* 1 when the clock has work now (a cycle to open, a reminder due). */
int season_due(struct req *r, long long now);
/* The clock's work, inside the caller's transaction: opens a draft cycle
 * whose day has come (when no other is open) and invites its leaders;
 * sends the open cycle's reminder that is due.  Returns how many mails. */
int season_clock(struct req *r, long long now);

/* The answers of a response as plain text, section by section (the shown
 * questions only), for mail and print. */
const char *season_answers_text(struct req *r, const struct instrument *in, const struct answers *a);

/* Mail the leader who submitted response rid (the signed-in user) its
 * receipt with a copy of the answers; and drop reminders still waiting in
 * the outbox for leaders of the school who have nothing left to submit. */
void season_receipt(struct req *r, long long rid, const struct instrument *in, const struct answers *a);

/* Tell the leaders of the school of response rid that staff reopened it,
 * with note (may be empty).  Returns how many were told. */
int season_reopened_mail(struct req *r, long long rid, const char *note);

/* A date 'YYYY-MM-DD' as people read it ("Friday 15 May 2026"), or the
 * text itself when it is not a date. */
const char *season_date_label(struct req *r, const char *ymd);
/* Days from today (UTC) to the deadline: "3 days left", "due today",
 * "passed 2 days ago".  "" without a deadline. */
const char *season_days_left(struct req *r, const char *deadline, long long now);

/* For the signed-in leader, each open cycle: its deadline and how many of
 * their schools are submitted; with per_school, each school's progress
 * (status, sections saved) linked to its page, under a heading of level
 * h.  Returns how many cycles are open. */
int season_leader_scan(struct req *r, int per_school, int h);

/* The same for one cycle, without the per-school list (the scan page has
 * its own table). */
void season_leader_scan_deadline(struct req *r, long long cycle);

/* For the signed-in leader: the closed cycles they answered, each school's
 * answers to read and download.  Nothing when there are none. */
void season_leader_past(struct req *r);

#endif
