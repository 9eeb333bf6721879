import type { ListAction, ListState } from '../lib/listState';

/**
 * The Filter textbox taking the API's filter language. It is applied on
 * Enter (or the Apply button), not while typing: a half-typed expression is
 * always an error.
 */
export function FilterBox({
  state,
  dispatch,
  fields,
  example,
}: {
  state: ListState;
  dispatch: (a: ListAction) => void;
  fields: string;
  example: string;
}) {
  return (
    <form
      class="filter"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        dispatch({ type: 'apply' });
      }}
    >
      <label for="filter">Filter</label>
      <div class="filter-row">
        <input
          id="filter"
          type="text"
          value={state.draft}
          placeholder={example}
          spellcheck={false}
          autocomplete="off"
          aria-describedby="filter-help"
          onInput={(e) => dispatch({ type: 'type', text: e.currentTarget.value })}
        />
        <button type="submit">Apply</button>
        {state.filter !== '' && (
          <button type="button" class="secondary" onClick={() => dispatch({ type: 'clear' })}>
            Clear
          </button>
        )}
      </div>
      <p id="filter-help" class="hint">
        Fields: {fields}. Operators: eq ne gt ge lt le, and / or / not, parentheses.
      </p>
    </form>
  );
}
