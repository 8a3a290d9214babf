-- Where an isolate counts: hospital isolates in their establishment's region, community and nursing-home isolates
-- in the region of the patient's département.
select source_id, year, isolate_id, region_code
from ({{ with_region_code(ref('int_isolates')) }})
