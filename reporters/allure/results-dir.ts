export const DEFAULT_ALLURE_RESULTS_DIR = 'allure-results';
