import { json, type ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "~/services/webhooks.server";

export async function action({ request }: ActionFunctionArgs) {
  const rawBody = await request.text();
  const answer = await receiveWebhook("TOSS", rawBody, request.headers);
  return json(answer.body, { status: answer.status });
}
