-- What idle capacity costs each team, and which teams run over their practical capacity.
select
    resource_id,
    sum(capacity_cost) as capacity_cost,
    sum(used_capacity_cost) as used_capacity_cost,
    sum(unused_capacity_cost) as unused_capacity_cost,
    avg(utilisation) as average_utilisation,
    sum(case when is_over_capacity then 1 else 0 end) as months_over_capacity
from {{ ref('rpt_unused_capacity_monthly') }}
group by 1
order by 4 desc
