import { PGlite } from "@electric-sql/pglite";
const db = new PGlite("/work/main/.data/e2e-pglite");
console.log((await db.query(`select s.status, s.total, s.failure_code, p.status as pstatus, p.provider_reference, p.provider_payment_id, p.failure_message, p.reported_amount from checkout_sessions s join payments p on p.checkout_session_id=s.id order by s.created_at desc limit 4`)).rows);
console.log((await db.query(`select event_type, processed_at, error from webhook_events order by received_at desc limit 5`)).rows);
