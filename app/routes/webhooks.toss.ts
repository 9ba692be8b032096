import type { ActionFunctionArgs } from "@remix-run/node";
import { unlessDatabaseDown } from "~/services/outage.server";
import { webhookAction } from "~/services/webhooks.server";

const act = webhookAction("TOSS");

export const action = (args: ActionFunctionArgs) => unlessDatabaseDown(() => act(args));
