/** The per-row Edit and Delete buttons of the runs and users tables (SPEC §5 names). */
export function RowActions({ onEdit, onDelete }: { onEdit: () => void; onDelete: () => void }) {
  return (
    <td role="cell" class="row-actions">
      <button type="button" class="small secondary" onClick={onEdit}>
        Edit
      </button>
      <button type="button" class="small danger" onClick={onDelete}>
        Delete
      </button>
    </td>
  );
}
