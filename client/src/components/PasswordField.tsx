/**
 * One labelled password input: required, and told to the browser's password manager as the
 * current password (it may fill it) or a new one (it may offer to generate and save it).
 */
export function PasswordField({
  label,
  value,
  onChange,
  autoComplete,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: 'current-password' | 'new-password';
  testId: string;
}) {
  return (
    <label>
      {label}
      <input
        type="password"
        autoComplete={autoComplete}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
        data-testid={testId}
      />
    </label>
  );
}
