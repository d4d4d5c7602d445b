-- The recommendations put crisis resources first on every list, so the catalog must have at
-- least one; every resource needs a name, tags and a contact, and every link must be https.
-- Returns what is wrong.
with

catalog as (

    select * from {{ ref('resource_catalog') }}

),

crisis as (

    select count(*) as crisis_resources from catalog where is_crisis

)

select 'no crisis resource in the catalog' as problem, cast(null as varchar) as resource_id
from crisis
where crisis_resources = 0

union all

select 'url is not https' as problem, resource_id
from catalog
where url not like 'https://%'

union all

select 'blank name, tags or contact' as problem, resource_id
from catalog
where trim(name) = '' or trim(tags) = '' or trim(contact) = ''
