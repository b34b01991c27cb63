// A form's error, announced to screen readers; nothing when there is none. Several problems (a
// form with more than one wrong field) are listed together, each as its own sentence.
export function FormError({ message, className = "" }: { message: string | string[] | null; className?: string }) {
  const problems = message === null ? [] : typeof message === "string" ? [message] : message;
  if (problems.length === 0) return null;
  if (problems.length === 1) {
    return (
      <p role="alert" className={`text-sm text-red-700 [overflow-wrap:anywhere] ${className}`}>
        {problems[0]}
      </p>
    );
  }
  return (
    <div role="alert" className={`text-sm text-red-700 [overflow-wrap:anywhere] ${className}`}>
      <p>{problems.length} things to fix:</p>
      <ul className="list-disc pl-5">
        {problems.map((problem, index) => (
          <li key={index}>{problem}</li>
        ))}
      </ul>
    </div>
  );
}

/** Every problem of a failed action: one per wrong field when it says which, else its message. */
export function problemsOf(error: { message: string; details?: { message: string }[] }): string[] {
  return error.details?.length ? error.details.map((d) => d.message) : [error.message];
}
