// `npm run jobs:reconcile`: asks the providers about every checkout the shop is
// unsure of (past its expiry, or old with no webhook), settles or ends them,
// retries due refunds, deletes ended login sessions, prints the counts and exits.
import { closeDatabase } from "~/db.server";
import { runHousekeeping } from "~/services/checkout/reconcile.server";

runHousekeeping()
  .then((counts) => console.log(JSON.stringify({ event: "checkouts_reconciled", ...counts })))
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => closeDatabase());
