import { useRef, useState } from 'preact/hooks';

/**
 * A change the user asked for, and the refusal it met, if any. Unless `concurrent`, a second request
 * while one is under way is dropped (a double click on a form's button sends one); no control is
 * disabled meanwhile, since a disabled control loses the keyboard's focus.
 */
export function useAction({ concurrent = false } = {}) {
  const [error, setError] = useState<unknown>();
  const underWay = useRef(false);
  const run = async (action: () => Promise<void>): Promise<boolean> => {
    if (underWay.current && !concurrent) return false;
    underWay.current = true;
    setError(undefined);
    try {
      await action();
      return true;
    } catch (refusal) {
      setError(refusal);
      return false;
    } finally {
      underWay.current = false;
    }
  };
  return { run, error };
}
