import { Fragment, type ReactNode } from 'react'

/**
 * A field's name that may break onto another line after a dot or an underscore, so that a narrow column shows
 * all of it without cutting a word (`source.geo.` / `country_iso_code`, not `country_iso_cod` / `e`).
 */
export function FieldName ({ name }: { name: string }): ReactNode {
  const parts = name.split(/(?<=[._])/)
  return <>{parts.map((p, i) => <Fragment key={i}>{i > 0 && <wbr />}<span>{p}</span></Fragment>)}</>
}
