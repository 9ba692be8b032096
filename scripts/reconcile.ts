// `npm run jobs:reconcile`: asks the providers about every checkout the shop is
// unsure of (past its expiry, or old with no webhook), settles or ends them,
// retries due refunds, prints the counts and exits.
import { closeDatabase } from "~/db.server";
import { reconcileCheckouts } from "~/services/reconcile.server";

reconcileCheckouts()
  .then((counts) => console.log(JSON.stringify({ event: "checkouts_reconciled", ...counts })))
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => closeDatabase());
