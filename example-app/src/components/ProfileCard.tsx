import { useGetProfileQuery } from '../api';
import { formatDuration, formatTime, useNow } from '../hooks';

/** How often the protected data is fetched again, so it visibly keeps loading across refreshes. */
export const PROFILE_POLL_MS = 2000;

export function ProfileCard() {
  const now = useNow(1000);
  const { data, error, isLoading, fulfilledTimeStamp } = useGetProfileQuery(undefined, {
    pollingInterval: PROFILE_POLL_MS,
  });
  const failed = error !== undefined;

  return (
    <section className="card profile" aria-labelledby="profile-title" data-testid="profile">
      <header className="card-head">
        <h2 id="profile-title">Your workspace</h2>
        <span className={`pill ${failed ? 'pill-retrying' : 'pill-live'}`}>
          {failed ? 'Not authorised' : 'Live · RTK Query'}
        </span>
      </header>
      {isLoading && <p className="muted">Loading…</p>}
      {failed && (
        <p className="notice notice-error" data-testid="profile-error">
          The server refused the request ({'status' in error ? String(error.status) : 'error'}).
        </p>
      )}
      {data !== undefined && (
        <>
          <dl className="facts">
            <div>
              <dt>Signed in as</dt>
              <dd data-testid="profile-email">{data.user.email}</dd>
            </div>
            <div>
              <dt>Requests served</dt>
              <dd data-testid="profile-requests">{data.requestsServed}</dd>
            </div>
            <div>
              <dt>Updated</dt>
              <dd data-testid="profile-updated" data-fulfilled-at={fulfilledTimeStamp ?? ''}>
                {fulfilledTimeStamp === undefined ? '—' : `${formatDuration(now - fulfilledTimeStamp)} ago`}
              </dd>
            </div>
          </dl>
          <p className="muted small" data-testid="profile-token" data-issued-at={data.token.issuedAt}>
            Token the server saw: issued {formatTime(data.token.issuedAt)}, expires{' '}
            {formatTime(data.token.expiresAt)}
          </p>
          <ul className="projects">
            {data.projects.map((project) => (
              <li key={project.id} className="project">
                <div className="project-row">
                  <span className="project-name">{project.name}</span>
                  <span className={`tag ${project.status === 'At risk' ? 'tag-warn' : 'tag-ok'}`}>
                    {project.status}
                  </span>
                </div>
                <div className="meter meter-thin">
                  <div className="meter-fill" style={{ width: `${project.progress}%` }} />
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
