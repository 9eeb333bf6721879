import { ApiError } from '../api/http';

/** Turns anything thrown into a message a person can act on. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(0, 'Something went wrong. Please try again.');
}

/**
 * The page's one role=alert element (screen readers announce it when it
 * appears). Field errors from the API are listed under the message, with the
 * form's own label for the field when the caller gives one.
 */
export function ErrorAlert({ error, labels = {} }: { error: ApiError | string | null; labels?: Record<string, string> }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  // Field errors that only repeat the message (a bad filter) are not listed twice.
  const errors = typeof error === 'string' ? [] : error.errors.filter((e) => !message.includes(e.message));
  return (
    <div role="alert" class="alert">
      <p>{message}</p>
      {errors.length > 0 && (
        <ul>
          {errors.map((e) => (
            <li key={e.field}>
              <strong>{labels[e.field] ?? e.field}:</strong> {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
