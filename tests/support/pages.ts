import { loader as successLoader } from "~/routes/checkout.$sessionId.success";
import { loader as downloadLoader } from "~/routes/downloads.$orderId.$fileId";
import { respond, type Visitor } from "./requests";

/**
 * The checkout's page as the browser shows it: a return from the provider
 * (its query) is answered with a redirect to the plain page, which may
 * redirect once more (to clear the cart cookie); both are followed, cookies
 * kept. Returns every answer, the last one being the page.
 */
export async function visitSuccessPage(visitor: Visitor, sessionId: string, pathWithQuery = `/checkout/${sessionId}/success`) {
  const answers: Response[] = [];
  let path = pathWithQuery;
  for (let hop = 0; hop < 3; hop++) {
    const response = visitor.absorb(await respond(() => successLoader({ request: visitor.get(path), params: { sessionId }, context: {} })));
    answers.push(response);
    if (response.status !== 303) break;
    path = response.headers.get("Location")!;
  }
  const page = answers[answers.length - 1];
  return { answers, page, data: page.status === 200 ? await page.json() : null };
}

/** The visitor's download of file `fileId` of order `orderId`. */
export function download(visitor: Visitor, orderId: string, fileId: string): Promise<Response> {
  return respond(() => downloadLoader({ request: visitor.get(`/downloads/${orderId}/${fileId}`), params: { orderId, fileId }, context: {} }));
}
