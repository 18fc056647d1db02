-- 010: mail that carries a calendar object (iMIP, RFC 6047): a site visit's
-- invitation or cancellation goes out as text/plain beside text/calendar.
-- A plain message has neither column; a calendar message has both, the
-- method being the METHOD inside the calendar (mail_queue_calendar checks
-- that).  Like body, calendar is cleared once the message is sent.
ALTER TABLE outbox ADD COLUMN calendar TEXT;
ALTER TABLE outbox ADD COLUMN calendar_method TEXT
  CHECK (calendar_method IN ('PUBLISH', 'REQUEST', 'REPLY', 'ADD', 'CANCEL',
                             'REFRESH', 'COUNTER', 'DECLINECOUNTER'));
