import type { Ref } from 'preact';
import { useId, useState } from 'preact/hooks';

interface Option {
  id: number;
  name: string;
}

interface TagPickerProps {
  /** The combobox's name: "Add tag to Chair". */
  label: string;
  /** The tags that may be chosen. */
  options: Option[];
  onChoose: (option: Option) => void;
  disabled?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}

/**
 * An editable combobox with a list of tags (WAI-ARIA's combobox pattern, list autocomplete): typing
 * narrows the list, ArrowDown and ArrowUp move through it, Enter chooses, Escape closes.
 */
export function TagPicker({ label, options, onChoose, disabled, inputRef }: TagPickerProps) {
  const id = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const matches = options.filter((option) => option.name.toLowerCase().includes(text.trim().toLowerCase()));
  const expanded = open && matches.length > 0;
  const activeOption = expanded ? matches[active] : undefined;

  const choose = (option: Option) => {
    setText('');
    setOpen(false);
    setActive(-1);
    onChoose(option);
  };
  const move = (step: number) => {
    setOpen(true);
    if (matches.length > 0) setActive((current) => (current + step + matches.length) % matches.length);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown') move(1);
    else if (event.key === 'ArrowUp') move(-1);
    else if (event.key === 'Escape' && (open || text)) {
      if (open) setOpen(false);
      else setText('');
    } else if (event.key === 'Enter') {
      const exact = matches.find((option) => option.name.toLowerCase() === text.trim().toLowerCase());
      const chosen = activeOption ?? exact ?? (matches.length === 1 ? matches[0] : undefined);
      if (chosen) choose(chosen);
    } else return;
    event.preventDefault();
  };

  return (
    <div class="picker">
      <input
        ref={inputRef}
        type="text"
        role="combobox"
        aria-label={label}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${id}-list`}
        aria-activedescendant={activeOption ? `${id}-${activeOption.id}` : undefined}
        autocomplete="off"
        placeholder={options.length > 0 ? 'Add a tag…' : 'No tags to add'}
        disabled={disabled || options.length === 0}
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value);
          setOpen(true);
          setActive(-1);
        }}
        onClick={() => setOpen(true)}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <ul
        id={`${id}-list`}
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: WAI-ARIA's combobox pattern: a list of options
        role="listbox"
        aria-label={label}
        hidden={!expanded}
      >
        {matches.map((option, index) => (
          // biome-ignore lint/a11y/useFocusableInteractive: the input keeps the focus and points at the option (aria-activedescendant)
          // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard chooses through the input (onKeyDown above)
          <li
            key={option.id}
            id={`${id}-${option.id}`}
            // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: WAI-ARIA's combobox pattern: an option of the list
            role="option"
            aria-selected={index === active}
            // The input keeps the focus while the pointer chooses.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(option)}
          >
            {option.name}
          </li>
        ))}
      </ul>
    </div>
  );
}
