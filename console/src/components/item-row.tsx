import { useRef } from 'preact/hooks';
import type { Schemas } from '../api.js';
import { TagPicker } from './tag-picker.js';
import { TagSetEditor } from './tag-set-editor.js';

const price = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 4 });

interface ItemRowProps {
  item: Schemas['Item'];
  /** Every tag of the store. */
  tags: Schemas['PlainTag'][];
  /** Whether the signed-in user may change the store's items: the controls exist only then. */
  editable: boolean;
  editing: boolean;
  onEdit: (editing: boolean) => void;
  onLink: (tag: Schemas['PlainTag']) => void;
  onUnlink: (tag: Schemas['PlainTag']) => Promise<void>;
  onSetTags: (tagIds: number[]) => void;
}

/** One item: its name, its price, and its tags as chips, each removable; a picker adds one more. */
export function ItemRow({ item, tags, editable, editing, onEdit, onLink, onUnlink, onSetTags }: ItemRowProps) {
  const picker = useRef<HTMLInputElement>(null);
  const unlinkable = tags.filter((tag) => !item.tags.some((linked) => linked.id === tag.id));
  const remove = async (tag: Schemas['PlainTag']) => {
    await onUnlink(tag);
    // The chip and its button are gone: the focus goes where the next tag would be added.
    picker.current?.focus();
  };

  return (
    <tr>
      <th scope="row">{item.name}</th>
      <td class="num">{price.format(item.price)}</td>
      <td>
        <div class="tags-cell">
          {item.tags.length === 0 && !editable && <span class="none">none</span>}
          {item.tags.length > 0 && (
            <ul class="chips" aria-label={`Tags of ${item.name}`}>
              {item.tags.map((tag) => (
                <li key={tag.id} class="chip">
                  {tag.name}
                  {editable && (
                    <button
                      type="button"
                      class="chip-remove"
                      aria-label={`Remove ${tag.name} from ${item.name}`}
                      onClick={() => void remove(tag)}
                    >
                      ×
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {editable && (
            <>
              <TagPicker label={`Add tag to ${item.name}`} options={unlinkable} onChoose={onLink} inputRef={picker} />
              <button
                type="button"
                class="quiet"
                aria-label={`Edit all tags of ${item.name}`}
                aria-expanded={editing}
                disabled={tags.length === 0}
                onClick={() => onEdit(!editing)}
              >
                Edit all
              </button>
            </>
          )}
        </div>
        {editing && <TagSetEditor item={item} tags={tags} onSave={onSetTags} onCancel={() => onEdit(false)} />}
      </td>
    </tr>
  );
}
