/* app.h — handling one decoded request from start to reply.
 *
 * app_handle() looks the route up (404/405), loads the session, enforces
 * the route's roles, checks CSRF on every POST, runs the handler and, when
 * anything fails on the way (req_fail), rolls the transaction back and
 * renders an error page.  It never exits the worker.
 */
#ifndef ILNET_APP_H
#define ILNET_APP_H

struct req;

/* Dispatch r, whose decoding ended with status decode_status (0 = fine,
 * else 400/413 to answer at once).  Afterwards r holds the reply. */
void app_handle(struct req *r, int decode_status);

/* Write the structured log line for r to stderr. */
void app_log(struct req *r);

#endif
