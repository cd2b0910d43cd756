/** A form's error sentence (from formErrorMessage), announced to screen readers. */
export function FormError({ message }: { message: string | null }) {
  return message ? (
    <p className="form-error" role="alert" data-testid="form-error">
      {message}
    </p>
  ) : null;
}
