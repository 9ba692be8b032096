// `npm run jobs:expire`: expires stale checkouts once, then exits.
import { closeDatabase } from "~/db.server";
import { expireStaleSessions } from "~/services/expiry.server";

expireStaleSessions()
  .then((count) => console.log(`Expired ${count} stale checkout${count === 1 ? "" : "s"}.`))
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => closeDatabase());
