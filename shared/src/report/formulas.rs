//! Domain calculators (docs/domain.md), pure and tested on worked numbers.

use super::model::{JpmCategory, SkmGrade};
use crate::survey::{CompetencyGroup, JobLevel};

/// WKE, effective working time per person and year: 1,250 hours = 75,000 minutes (PermenPANRB 1/2020,
/// Perban 9/2022).
pub const WKE_MINUTES: f64 = 75_000.0;

/// JP of competency development every PNS is entitled to per year (PP 11/2017 art. 203(4) as amended by
/// PP 17/2020).
pub const MIN_JP_PER_YEAR: f64 = 20.0;

/// JPM thresholds: >= 90 optimal, 78 to < 90 cukup optimal, below kurang optimal.
pub const JPM_OPTIMAL: f64 = 90.0;
pub const JPM_CUKUP: f64 = 78.0;

/// Krejcie-Morgan constants: chi-square for 1 degree of freedom at 95 % (3.841), P = Q = 0.5, d = 0.05.
const CHI_SQUARE: f64 = 3.841;
const PQ: f64 = 0.25;
const D_SQUARED: f64 = 0.0025;

/// Required staff by ABK, fractional: workload in minutes a year / WKE.
pub fn required_fte(total_minutes: f64) -> f64 {
    total_minutes / WKE_MINUTES
}

/// Required staff rounded up (a rounding error of 1e-9 does not add a person).
pub fn round_up_staff(fte: f64) -> u64 {
    if !fte.is_finite() || fte <= 0.0 {
        return 0;
    }
    (fte - 1e-9).ceil().max(0.0) as u64
}

/// The level of a competency of `group` required of a jabatan `level` (PermenPANRB 38/2017 default table,
/// [`JobLevel::required_level`]): only managerial and socio-cultural competencies, whose standard the table
/// sets; technical competencies and JF follow per-profession standards (`None`).
pub fn required_level(level: JobLevel, group: CompetencyGroup) -> Option<u8> {
    match group {
        CompetencyGroup::Manajerial | CompetencyGroup::SosialKultural => level.required_level(),
        CompetencyGroup::Teknis => None,
    }
}

/// Job Person Match: Σ actual / Σ required x 100 (PermenPANRB 38/2017 practice); `None` without a
/// requirement.
pub fn jpm(actual_sum: f64, required_sum: f64) -> Option<f64> {
    (required_sum > 0.0).then(|| actual_sum / required_sum * 100.0)
}

impl JpmCategory {
    /// The category of a JPM in %.
    pub fn of(jpm: f64) -> JpmCategory {
        if jpm >= JPM_OPTIMAL {
            JpmCategory::Optimal
        } else if jpm >= JPM_CUKUP {
            JpmCategory::CukupOptimal
        } else {
            JpmCategory::KurangOptimal
        }
    }
}

/// The SKM weight of each element's NRR: 1/9, or 0.11 as printed in PermenPANRB 14/2017 (legacy: caps the
/// converted value at 99.00 and floors it at 24.75).
pub fn skm_weight(legacy: bool) -> f64 {
    if legacy { 0.11 } else { 1.0 / 9.0 }
}

/// IKM = Σ NRR_j x weight.
pub fn ikm(nrr: &[f64], legacy: bool) -> f64 {
    nrr.iter().sum::<f64>() * skm_weight(legacy)
}

/// IKM konversi = IKM x 25.
pub fn ikm_converted(ikm: f64) -> f64 {
    ikm * 25.0
}

impl SkmGrade {
    /// The category of a converted IKM, read at the two decimals the regulation prints: 88.31-100 A,
    /// 76.61-88.30 B, 65.00-76.60 C, below D.
    pub fn of(converted: f64) -> SkmGrade {
        let c = (converted * 100.0).round() / 100.0;
        if c >= 88.31 {
            SkmGrade::A
        } else if c >= 76.61 {
            SkmGrade::B
        } else if c >= 65.0 {
            SkmGrade::C
        } else {
            SkmGrade::D
        }
    }
}

/// Krejcie-Morgan minimum sample for a population of `n`:
/// S = 3.841 N P Q / (0.0025 (N - 1) + 3.841 P Q), P = Q = 0.5, rounded to nearest.
pub fn krejcie_morgan(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let n = n as f64;
    let s = CHI_SQUARE * n * PQ / (D_SQUARED * (n - 1.0) + CHI_SQUARE * PQ);
    s.round() as u64
}

/// A mean on a scale of `points` (1..=points) rescaled to 0..100.
pub fn rescale_0_100(mean: f64, points: u32) -> Option<f64> {
    (points >= 2).then(|| (mean - 1.0) / f64::from(points - 1) * 100.0)
}

/// The points counted as "top two box" on a scale of `points`: the two highest, or only the highest on a
/// scale of fewer than 4 points.
pub fn top_box_points(points: u32) -> std::ops::RangeInclusive<u32> {
    if points >= 4 {
        points - 1..=points
    } else {
        points..=points
    }
}

/// Net Promoter Score: (promoters - detractors) / answered x 100.
pub fn nps_score(promoters: u64, detractors: u64, answered: u64) -> Option<f64> {
    (answered > 0).then(|| (promoters as f64 - detractors as f64) / answered as f64 * 100.0)
}

/// Sample standard deviation from n, Σx and Σx² (`None` below 2 values).
pub fn sample_sd(n: u64, sum: f64, sum_sq: f64) -> Option<f64> {
    if n < 2 {
        return None;
    }
    let n = n as f64;
    let var = (sum_sq - sum * sum / n) / (n - 1.0);
    Some(var.max(0.0).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn abk_worked_example() {
        // docs/domain.md: 7,116 hours of work a year / 1,250 = 5.69 -> 6 people.
        let fte = required_fte(7_116.0 * 60.0);
        assert!(close(fte, 5.6928), "{fte}");
        assert_eq!(round_up_staff(fte), 6);
        assert_eq!(round_up_staff(required_fte(150_000.0)), 2);
        assert_eq!(round_up_staff(required_fte(150_001.0)), 3);
        assert_eq!(round_up_staff(0.0), 0);
    }

    #[test]
    fn krejcie_morgan_table_values() {
        // The published table: N = 10 -> 10, 100 -> 80, 1,000 -> 278, 10,000 -> 370, 100,000 -> 383.
        for (n, s) in [
            (0, 0),
            (1, 1),
            (10, 10),
            (100, 80),
            (1_000, 278),
            (10_000, 370),
            (100_000, 383),
        ] {
            assert_eq!(krejcie_morgan(n), s, "N = {n}");
        }
    }

    #[test]
    fn ikm_and_categories() {
        // NRR 3.5 on every element: IKM 3.5, converted 87.5, B (Baik).
        let nrr = [3.5; 9];
        assert!(close(ikm(&nrr, false), 3.5));
        assert!(close(ikm_converted(ikm(&nrr, false)), 87.5));
        assert_eq!(SkmGrade::of(87.5), SkmGrade::B);
        // Legacy weight 0.11: 31.5 x 0.11 = 3.465 -> 86.625.
        assert!(close(ikm(&nrr, true), 3.465));
        assert!(close(ikm_converted(ikm(&nrr, true)), 86.625));
        // The legacy scale tops out at 99.00 and bottoms at 24.75.
        assert!(close(ikm_converted(ikm(&[4.0; 9], true)), 99.0));
        assert!(close(ikm_converted(ikm(&[1.0; 9], true)), 24.75));
        for (value, grade) in [
            (100.0, SkmGrade::A),
            (88.31, SkmGrade::A),
            (88.305, SkmGrade::A),
            (88.30, SkmGrade::B),
            (76.61, SkmGrade::B),
            (76.60, SkmGrade::C),
            (65.0, SkmGrade::C),
            (64.99, SkmGrade::D),
            (25.0, SkmGrade::D),
        ] {
            assert_eq!(SkmGrade::of(value), grade, "{value}");
        }
    }

    #[test]
    fn jpm_and_its_categories() {
        // Administrator (required 3) rating 3, 3, 2: 8 / 9 = 88.9 % -> cukup optimal.
        let j = jpm(8.0, 9.0).unwrap();
        assert!(close(j, 800.0 / 9.0));
        assert_eq!(JpmCategory::of(j), JpmCategory::CukupOptimal);
        assert_eq!(JpmCategory::of(90.0), JpmCategory::Optimal);
        assert_eq!(JpmCategory::of(78.0), JpmCategory::CukupOptimal);
        assert_eq!(JpmCategory::of(77.99), JpmCategory::KurangOptimal);
        assert_eq!(jpm(3.0, 0.0), None);
    }

    #[test]
    fn small_helpers() {
        assert_eq!(rescale_0_100(4.0, 5), Some(75.0));
        assert_eq!(rescale_0_100(1.0, 5), Some(0.0));
        assert_eq!(rescale_0_100(3.0, 1), None);
        assert_eq!(top_box_points(5), 4..=5);
        assert_eq!(top_box_points(3), 3..=3);
        assert_eq!(nps_score(5, 2, 10), Some(30.0));
        assert_eq!(nps_score(0, 0, 0), None);
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32 / 7.
        let xs = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let sd = sample_sd(8, xs.iter().sum(), xs.iter().map(|x| x * x).sum()).unwrap();
        assert!(close(sd, (32.0f64 / 7.0).sqrt()));
        assert_eq!(sample_sd(1, 3.0, 9.0), None);
    }
}
