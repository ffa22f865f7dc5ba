-- Samples, patients and profiling coverage per study.
select
    s.study_id,
    count(*) as samples,
    count(distinct s.patient_id) as patients,
    sum(case when s.is_luad then 1 else 0 end) as luad_samples,
    sum(case when g.is_erbb2_mutation_profiled then 1 else 0 end) as erbb2_mutation_profiled,
    sum(case when g.is_erbb2_cna_profiled then 1 else 0 end) as erbb2_cna_profiled
from marts.dim_samples as s
inner join marts.fct_sample_genomics as g
    on s.study_id = g.study_id and s.sample_id = g.sample_id
group by s.study_id
order by s.study_id;
