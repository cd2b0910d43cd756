import { authErrorMessage } from "@/lib/auth/messages";

/** The sentence for an account form's ?error= code, announced to screen readers. */
export function FormError({ code }: { code: string | undefined }) {
  const message = authErrorMessage(code);
  return message ? (
    <p className="form-error" role="alert" data-testid="form-error">
      {message}
    </p>
  ) : null;
}
