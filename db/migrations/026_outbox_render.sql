-- 026_outbox_render.sql: messages the sender writes as they go out.
--
-- A site visit's notices carried their whole text and an iCalendar
-- invitation per person, composed inside the booking's write transaction:
-- more than half of a booking's time and a third of the pages it wrote.
-- Now such a message is queued as what happened (subject and lead, short)
-- and which record it is about; the sender renders the rest from the
-- database when it sends it (mail_queue_render, include/mail.h).
--   render      NULL: body (and calendar) are the message, as before;
--               else the kind of record ('visit': a booking, for its
--               visitor; 'hosting': a site visit, for one of its hosts)
--   render_ref  that record's id
--   render_seq  its SEQUENCE when queued: a visitor's notice whose booking
--               has changed since is not sent (a later notice says so)
ALTER TABLE outbox ADD COLUMN render TEXT;
ALTER TABLE outbox ADD COLUMN render_ref INTEGER;
ALTER TABLE outbox ADD COLUMN render_seq INTEGER;
