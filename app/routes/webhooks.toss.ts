import { json, type ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhooks.server";
import { unlessDatabaseDown } from "~/services/outage.server";

async function act({ request }: ActionFunctionArgs) {
  const rawBody = await request.text();
  const answer = await receiveWebhook("TOSS", rawBody, request.headers);
  return json(answer.body, { status: answer.status });
}

export const action: typeof act = (...args) => unlessDatabaseDown(() => act(...args));
