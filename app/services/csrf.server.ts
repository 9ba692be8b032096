import { createCookie } from "@remix-run/node";
import { CSRF, CSRFError } from "remix-utils/csrf/server";
import { DEV_SESSION_SECRET, env, isProduction } from "~/env.server";
import { readForm } from "~/services/request-body.server";

let csrf: CSRF | undefined;

function instance(): CSRF {
  if (!csrf) {
    const settings = env();
    const secret = settings.SESSION_SECRET ?? DEV_SESSION_SECRET;
    csrf = new CSRF({
      cookie: createCookie("csrf", {
        path: "/",
        httpOnly: true,
        sameSite: "lax",
        secure: isProduction(settings),
        secrets: [secret],
      }),
      formDataKey: "csrf",
      secret,
    });
  }
  return csrf;
}

/** The token for this visitor's forms, and a Set-Cookie header when it is new. */
export function commitCsrfToken(request: Request) {
  return instance().commitToken(request);
}

/** Throws a 403 response unless the form carries this visitor's token. */
export async function requireCsrfToken(form: FormData, request: Request): Promise<void> {
  try {
    await instance().validate(form, request.headers);
  } catch (error) {
    if (error instanceof CSRFError) {
      throw new Response(
        "This form has expired or did not come from this site, so nothing was changed. Reload the page and try again.",
        { status: 403 },
      );
    }
    throw error;
  }
}

/** A state-changing form: size-limited, urlencoded, and carrying this visitor's CSRF token. */
export async function readProtectedForm(request: Request): Promise<FormData> {
  const form = await readForm(request);
  await requireCsrfToken(form, request);
  return form;
}
