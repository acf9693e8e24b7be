"""The pages of the accounts (log in, invitations, an organisation's own page,
explanations and the staff review queue): above the dashboard and the alerts, whose
queries and subscriptions they show. The accounts' data (models, access, the "pas toe
of leg uit" states) stays in accounts/, below the dashboard, which reads it."""
