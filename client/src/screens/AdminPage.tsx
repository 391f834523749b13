import { useState } from 'react';
import { Header } from '../components/Header';
import { useI18n } from '../hooks/useI18n';
import { AccountsTab } from './admin/AccountsTab';
import { ArchiveTab } from './admin/ArchiveTab';
import { DirectoryTab } from './admin/DirectoryTab';
import { GroupsTab } from './admin/GroupsTab';
import { MeetingsTab } from './admin/MeetingsTab';

type Tab = 'directory' | 'groups' | 'accounts' | 'meetings' | 'archive';
const TABS: Tab[] = ['directory', 'groups', 'accounts', 'meetings', 'archive'];

/** Administration (lazy chunk): directory import, accounts, meeting set-up and invitations. */
export default function AdminPage() {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('directory');
  return (
    <div className="page admin">
      <Header title={t('admin.title')} />
      <main id="main" className="content">
        <div className="tabs" role="tablist">
          {TABS.map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={tab === k}
              className={tab === k ? 'active' : ''}
              data-testid={`admin-tab-${k}`}
              onClick={() => setTab(k)}
            >
              {t(`admin.tab.${k}`)}
            </button>
          ))}
        </div>
        {tab === 'directory' && <DirectoryTab />}
        {tab === 'groups' && <GroupsTab />}
        {tab === 'accounts' && <AccountsTab />}
        {tab === 'meetings' && <MeetingsTab />}
        {tab === 'archive' && <ArchiveTab />}
      </main>
    </div>
  );
}
