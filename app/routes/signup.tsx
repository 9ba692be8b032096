import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useSearchParams } from "@remix-run/react";
import { AuthenticityTokenInput } from "remix-utils/csrf/react";
import { FieldError } from "~/components/FieldError";
import { ReturnNotice } from "~/components/ReturnNotice";
import { redirectIfLoggedIn, signUp, SignUpForm, startSession } from "~/services/web/auth.server";
import { readProtectedForm } from "~/services/web/csrf.server";
import { fieldErrors } from "~/services/web/form-errors";
import { guard } from "~/services/web/route-guard.server";
import { passRetryAfter } from "~/services/web/route-headers";
import { GeneralErrorBoundary } from "~/components/GeneralErrorBoundary";

export const meta: MetaFunction = () => [{ title: "Create an account · AI Marketplace" }];

async function load({ request }: LoaderFunctionArgs) {
  return redirectIfLoggedIn(request);
}

export const loader = (args: LoaderFunctionArgs) => guard(args, load);

async function act({ request }: ActionFunctionArgs) {
  const form = await readProtectedForm(request);
  const values = { email: String(form.get("email") ?? ""), displayName: String(form.get("displayName") ?? "") };
  const parsed = SignUpForm.safeParse(Object.fromEntries(form));
  if (!parsed.success) return json({ errors: fieldErrors(parsed.error), values }, { status: 400 });

  const result = await signUp(request, parsed.data);
  if (!result.ok && result.field === "form") {
    const headers = { "Retry-After": String(result.retryAfterSeconds) };
    return json({ errors: { form: result.message } as Record<string, string>, values }, { status: 429, headers });
  }
  if (!result.ok) return json({ errors: { [result.field]: result.message } as Record<string, string>, values }, { status: 409 });
  return startSession(request, result.user.id, parsed.data.redirectTo);
}

export const action = (args: ActionFunctionArgs) => guard(args, act);

export default function SignUpPage() {
  const result = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const redirectTo = searchParams.get("redirectTo") ?? "/";
  const errors = result?.errors ?? {};
  return (
    <>
      <h1>Create an account</h1>
      <ReturnNotice redirectTo={redirectTo} action="Create an account" />
      <Form method="post" className="form" noValidate>
        <AuthenticityTokenInput />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <label>
          Email
          <input type="email" name="email" autoComplete="email" defaultValue={result?.values.email} required aria-describedby="email-error" />
          <FieldError id="email-error" message={errors.email} />
        </label>
        <label>
          Display name
          <input name="displayName" autoComplete="nickname" defaultValue={result?.values.displayName} required aria-describedby="name-error" />
          <FieldError id="name-error" message={errors.displayName} />
        </label>
        <label>
          Password (at least 8 characters)
          <input type="password" name="password" autoComplete="new-password" minLength={8} required aria-describedby="password-error" />
          <FieldError id="password-error" message={errors.password} />
        </label>
        <button type="submit" className="button">
          Create account
        </button>
        <p className="muted">
          Already have an account? <Link to={`/login?${new URLSearchParams({ redirectTo })}`}>Log in</Link>
        </p>
      </Form>
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}

export const headers = passRetryAfter;
