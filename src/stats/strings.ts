/**
 * Strings kept long-term must not pin the reader's chunk strings: V8 represents a substring of 13 or more
 * characters as a *sliced string* that points into its parent, so keeping one field value of a CSV chunk
 * alive keeps the whole 1 MiB chunk string alive. `flat` returns a copy that owns its characters (shorter
 * strings are already copies). Use it wherever a value goes into a long-lived structure: new map keys,
 * examples, min/max.
 */
export function flat(s: string): string {
  // Concatenation makes a cons string; slicing a cons string flattens it into a new sequential string,
  // and the result only references that small string.
  return s.length < 13 ? s : (' ' + s).slice(1);
}
