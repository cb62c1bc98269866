/**
 * A staff queue on the API's cursor pages: the hook keeps the cursors of earlier pages (to go
 * back) and the previous page on screen while the next loads; the table shows the rows with
 * 上一页 / 下一页 under them, or the error in place of the table.
 */
import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { Button, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { ErrorAlert } from './error-alert';

/** One page of a cursor-paged list as the API answers it. */
interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** The pages of one list, keyed by `queryKey` (the filters) and the current cursor. */
interface CursorPages<T> {
  page: UseQueryResult<CursorPage<T>>;
  cursors: string[];
  setCursors: (update: (cursors: string[]) => string[]) => void;
  /** Back to the first page (new filters). */
  restart(): void;
}

/** Loads the current page of a list; `fetchPage(undefined)` is the first page. */
export function useCursorPages<T>(queryKey: readonly unknown[], fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>): CursorPages<T> {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  // The previous page stays on screen while the next one loads (no empty flash between pages).
  const page = useQuery({ queryKey: [...queryKey, cursor], queryFn: () => fetchPage(cursor), placeholderData: keepPreviousData });
  return { page, cursors, setCursors, restart: () => setCursors(() => []) };
}

/** The rows of the current page with the page buttons, or the error of the last load. */
export function CursorTable<T extends { id: string }>({ pages, columns }: { pages: CursorPages<T>; columns: TableColumnsType<T> }) {
  const { page, cursors, setCursors } = pages;
  if (page.error) return <ErrorAlert error={page.error} />;
  const next = page.data?.nextCursor ?? null;
  return (
    <Table<T>
      rowKey="id"
      columns={columns}
      dataSource={page.data?.items ?? []}
      loading={page.isFetching}
      pagination={false}
      size="middle"
      scroll={{ x: 1000 }}
      footer={() => (
        <Space>
          <Button disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
            上一页
          </Button>
          <Typography.Text>第 {cursors.length + 1} 页</Typography.Text>
          <Button disabled={!next} onClick={() => next && setCursors((c) => [...c, next])}>
            下一页
          </Button>
        </Space>
      )}
    />
  );
}
