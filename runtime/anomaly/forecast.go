package anomaly

import "math"

// Forecaster is additive Holt-Winters (level, trend, one season) over a
// regular series, such as an operation's request rate per five minutes. The
// first season only initializes the seasonal profile; forecasts start after it.
type Forecaster struct {
	Alpha, Beta, Gamma float64 // smoothing of level, trend, season

	season []float64
	level  float64
	trend  float64
	n      int // values added
}

// NewForecaster returns a forecaster whose season is period values long, with
// smoothing constants suited to request rates (a level that follows a day's
// surprises within the hour, a nearly fixed trend, a season that adapts over a
// few days).
func NewForecaster(period int) *Forecaster {
	return &Forecaster{Alpha: 0.3, Beta: 0.005, Gamma: 0.2, season: make([]float64, max(period, 1))}
}

// Add appends the next value of the series.
func (f *Forecaster) Add(x float64) {
	m := len(f.season)
	i := f.n % m
	f.n++
	if f.n <= m {
		// The first season is stored raw, then turned into deviations from
		// its mean once complete.
		f.season[i] = x
		if f.n == m {
			var sum float64
			for _, v := range f.season {
				sum += v
			}
			f.level = sum / float64(m)
			for j := range f.season {
				f.season[j] -= f.level
			}
			// The level now stands at the end of the season: start it at
			// the last value's deseasonalized level.
			f.level = x - f.season[i]
		}
		return
	}
	s := f.season[i]
	prev := f.level
	f.level = f.Alpha*(x-s) + (1-f.Alpha)*(f.level+f.trend)
	f.trend = f.Beta*(f.level-prev) + (1-f.Beta)*f.trend
	f.season[i] = f.Gamma*(x-f.level) + (1-f.Gamma)*s
}

// Forecast returns the value expected h steps after the last one added (h ≥ 1),
// never below zero; ok is false until a full season has been seen.
func (f *Forecaster) Forecast(h int) (float64, bool) {
	m := len(f.season)
	if f.n < m || h < 1 {
		return 0, false
	}
	v := f.level + float64(h)*f.trend + f.season[(f.n+h-1)%m]
	return math.Max(v, 0), true
}

// Replicas is the number of instances that serve rate requests per second when
// one instance serves capacity, keeping headroom (0.2 = 20% spare) and
// staying within [minimum, maximum].
func Replicas(rate, capacity, headroom float64, minimum, maximum int) int {
	if capacity <= 0 || math.IsNaN(rate) {
		return minimum
	}
	n := int(math.Ceil(rate * (1 + headroom) / capacity))
	return min(max(n, minimum), maximum)
}
