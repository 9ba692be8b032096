import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { guard, postOnly } from "~/services/web/route-guard.server";
import { webhookAction } from "~/services/checkout/webhooks.server";

const act = webhookAction("TOSS");

export const action = (args: ActionFunctionArgs) => guard(args, act);

export const loader = (args: LoaderFunctionArgs) => postOnly(args, "This TossPayments webhook endpoint");
