/** Faults of the stand-in API server as a whole. */
export type ApiFault =
  'forbidden' | 'unauthorized' | 'hang' | 'slow' | 'server-error' | 'not-found';

/** Resources the stand-in serves, with their API group ("" is core). */
export const RESOURCES = {
  pods: { group: '', listKind: 'PodList', apiVersion: 'v1' },
  statefulsets: { group: 'apps', listKind: 'StatefulSetList', apiVersion: 'apps/v1' },
  deployments: { group: 'apps', listKind: 'DeploymentList', apiVersion: 'apps/v1' },
} as const;

/** One served resource. */
export type Resource = keyof typeof RESOURCES;

/** The service account the stand-in pretends the caller is, as the deploy/ manifests name it. */
export const CALLER = 'system:serviceaccount:besu-network:chainprobe';

/** A metav1.Status failure body, as the API server sends with every error. */
export function statusBody(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** What the API server answers for a path it does not serve. */
export const ROUTE_NOT_FOUND = statusBody(
  404,
  'NotFound',
  'the server could not find the requested resource',
  {},
);

/** What the API server answers for a verb the resource does not allow. */
export const METHOD_NOT_ALLOWED = statusBody(
  405,
  'MethodNotAllowed',
  'the server does not allow this method on the requested resource',
  {},
);

/** The Status of a fault for a list of `resource` in `namespace`; null for hang/slow. */
export function faultStatus(fault: ApiFault, resource: Resource, namespace: string) {
  const { group } = RESOURCES[resource];
  const qualified = group ? `${resource}.${group}` : resource;
  switch (fault) {
    case 'forbidden':
      return statusBody(
        403,
        'Forbidden',
        `${qualified} is forbidden: User "${CALLER}" cannot list resource "${resource}" ` +
          `in API group "${group}" in the namespace "${namespace}"`,
        { group, kind: resource },
      );
    case 'unauthorized':
      return statusBody(401, 'Unauthorized', 'Unauthorized');
    case 'not-found':
      return statusBody(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
    case 'server-error':
      return statusBody(
        500,
        'InternalError',
        'Internal error occurred: etcdserver: request timed out',
        {
          causes: [{ message: 'etcdserver: request timed out' }],
        },
      );
    case 'hang':
    case 'slow':
      return null;
  }
}
