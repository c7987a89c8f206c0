import { ValidationError } from '../../errors.ts'
import { isVersion } from '../../store/system/versioned-docs.ts'

/** The version in If-Match (`"3.1"`: sequence number and primary term), checked before it reaches a store. */
export function versionFromIfMatch (header: string | undefined, required: boolean): string | undefined {
  const version = header?.replace(/"/g, '')
  if (version === undefined || version === '') {
    if (!required) return undefined
    throw new ValidationError([{ index: 0, path: '/headers/if-match', message: 'is required: send the version (ETag) you read, so no change is silently overwritten' }], 'the request is invalid')
  }
  if (!isVersion(version)) throw new ValidationError([{ index: 0, path: '/headers/if-match', message: `"${version.slice(0, 40)}" is not a version this service issued: send the ETag you read, such as "3.1"` }], 'the request is invalid')
  return version
}
