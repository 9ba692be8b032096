import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { FieldError } from "~/components/FieldError";
import { ReturnNotice } from "~/components/ReturnNotice";
import { redirectIfLoggedIn, logIn, LogInForm, startSession } from "~/services/web/auth.server";
import { readProtectedForm } from "~/services/web/csrf.server";
import { fieldErrors } from "~/services/web/form-errors";
import { passRetryAfter } from "~/services/web/route-headers";
import { guard } from "~/services/web/route-guard.server";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

export const meta: MetaFunction = () => [{ title: "Log in · AI Marketplace" }];

export const headers = passRetryAfter;

async function load({ request }: LoaderFunctionArgs) {
  return redirectIfLoggedIn(request);
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);

async function act({ request }: ActionFunctionArgs) {
  const form = await readProtectedForm(request);
  const parsed = LogInForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) return json({ errors: fieldErrors(parsed.error), email: String(form.get("email") ?? "") }, { status: 400 });

  const result = await logIn(request, parsed.data);
  if (result.ok) return startSession(request, result.user.id, parsed.data.redirectTo);
  const headers: HeadersInit = result.status === 429 ? { "Retry-After": String(result.retryAfterSeconds) } : {};
  return json({ errors: { form: result.message } as Record<string, string>, email: parsed.data.email }, { status: result.status, headers });
}

export const action = (args: ActionFunctionArgs) => guard(args, act);

export default function LoginPage() {
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo") ?? "/";
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>Log in</h1>
      <ReturnNotice redirectTo={redirectTo} action="Log in" />
      <Form method="post" className="form" noValidate>
        <AuthenticityTokenInput />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        {errors.form ? (
          <p className="alert" role="alert">
            {errors.form}
          </p>
        ) : null}
        <label>
          Email
          <input type="email" name="email" autoComplete="email" defaultValue={result?.email} required aria-describedby="email-error" />
          <FieldError id="email-error" message={errors.email} />
        </label>
        <label>
          Password
          <input type="password" name="password" autoComplete="current-password" required aria-describedby="password-error" />
          <FieldError id="password-error" message={errors.password} />
        </label>
        <button type="submit" className="button">
          Log in
        </button>
        <p className="muted">
          New here? <Link to={`/signup?${new URLSearchParams({ redirectTo })}`}>Create an account</Link>
        </p>
      </Form>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
