/**
 * The search row at the top of a list (policies, public letters): a rounded input and a 搜索
 * button. The text typed is a draft; the list searches only when the citizen confirms (the
 * keyboard's search key or the button), trimmed, so each keystroke does not cost a request.
 */
import { useState } from 'react';
import { Input, View } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import './index.scss';

export interface SearchBarProps {
  placeholder: string;
  /** The server's limit for the search text (from the shared schema's limits). */
  maxLength: number;
  /** Accessible name of the input, e.g. 搜索政策. */
  label: string;
  /** The search in force; when the page clears it (''), the input is emptied too. */
  query: string;
  /** Called with the trimmed text ('' clears the search). */
  onSearch: (q: string) => void;
}

/** A search input with its button. */
export function SearchBar({ placeholder, maxLength, label, query, onSearch }: SearchBarProps) {
  const [draft, setDraft] = useState(query);
  // Follow the page's query during render (React's pattern for state derived from a prop change),
  // so a cleared search empties the input in the same render rather than one effect later.
  const [seenQuery, setSeenQuery] = useState(query);
  if (query !== seenQuery) {
    setSeenQuery(query);
    if (query === '') setDraft('');
  }
  const search = () => onSearch(draft.trim());
  return (
    <View className='searchbar sb'>
      <Input
        className='sb__input'
        value={draft}
        placeholder={placeholder}
        confirmType='search'
        maxlength={maxLength}
        aria-label={label}
        onInput={(e) => setDraft(e.detail.value)}
        onConfirm={search}
      />
      <Button type='primary' size='small' onClick={search}>
        搜索
      </Button>
    </View>
  );
}
