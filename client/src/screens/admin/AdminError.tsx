/** The admin tabs' last failed action, announced to screen readers. */
export function AdminError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="error" role="alert" data-testid="admin-error">
      {error}
    </p>
  );
}
