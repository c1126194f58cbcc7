import { ProfileCard } from './ProfileCard';
import { RefreshLog } from './RefreshLog';
import { SessionCard } from './SessionCard';

export function Dashboard() {
  return (
    <div className="dashboard" data-testid="dashboard">
      <SessionCard />
      <ProfileCard />
      <RefreshLog />
    </div>
  );
}
