import { useState } from 'preact/hooks';
import type { Schemas } from '../api.js';

interface TagSetEditorProps {
  item: Schemas['Item'];
  tags: Schemas['PlainTag'][];
  onSave: (tagIds: number[]) => void;
  onCancel: () => void;
}

/** An item's whole tag set, chosen at once and saved in one request (`PUT /item/{id}/tag`). */
export function TagSetEditor({ item, tags, onSave, onCancel }: TagSetEditorProps) {
  const [chosen, setChosen] = useState(() => new Set(item.tags.map((tag) => tag.id)));
  const toggle = (id: number, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    setChosen(next);
  };
  return (
    <fieldset class="tag-set">
      <legend>Choose the tags of {item.name}</legend>
      <div class="choices">
        {tags.map((tag) => (
          <label key={tag.id} class="check">
            <input type="checkbox" checked={chosen.has(tag.id)} onChange={(e) => toggle(tag.id, e.currentTarget.checked)} />
            {tag.name}
          </label>
        ))}
      </div>
      <div class="actions">
        <button type="button" class="primary" onClick={() => onSave(tags.filter((t) => chosen.has(t.id)).map((t) => t.id))}>
          Save tags
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
